#!/usr/bin/env bats
# The single sign-on pages in a real browser: t/browser/sso.test.mjs
# drives Debian's Chromium with playwright-core against lighttpd, and
# leaves screenshots in t/browser/screenshots/.

load helpers

AUTH_ID=partner-id
AUTH_KEY=partner-secret-key

setup_file() {
	local browser_dir=$top/t/browser log

	# bats 1.8 cannot skip from setup_file, so setup() skips each test.
	if [ ! -x /usr/bin/chromium ]; then
		export BROWSER_MISSING="Chromium is not installed at"
		BROWSER_MISSING+=" /usr/bin/chromium. Run tools/install-deps"
		BROWSER_MISSING+=" to install the chromium package."
		return 0
	fi
	# The first run downloads playwright-core from the npm registry.
	# Later runs use node_modules and need no network.
	if [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
		log=$BATS_FILE_TMPDIR/npm.log
		if ! (cd "$browser_dir" && npm ci --no-audit --no-fund) \
		    > "$log" 2>&1; then
			echo "npm ci in t/browser failed:" >&3
			cat "$log" >&3
			return 1
		fi
	fi

	start_chronatog
	"$admin" save-creds "$AUTH_ID" "$AUTH_KEY" > /dev/null
}

teardown_file() {
	stop_chronatog
}

setup() {
	if [ -n "${BROWSER_MISSING:-}" ]; then
		skip "$BROWSER_MISSING"
	fi
}

# Prints the link to the SSO page PATH signed as Engine Yard signs it,
# for the owner Jane Doe, at the time $2 (default: now).
signed_link() {
	local path=$1 at=${2:-now}
	"$build/t/signature_test" sso-sign "$BASE/eyintegration/sso$path" \
	    "$AUTH_ID" "$AUTH_KEY" ey_user_id=501 'ey_user_name=Jane Doe' \
	    access_level=owner "ey_return_to_url=$BASE/?from=chronatog" \
	    "timestamp=$(date -u -d "$at" '+%Y-%m-%dT%H:%M:%SZ')"
}

@test "SSO pages work in Chromium" {
	# A customer that signed up on Engine Yard, with one scheduler for
	# app shop, environment production, and two jobs.
	new_scheduler browser
	customer=$(sql "SELECT customer_id FROM schedulers
	    WHERE id = $SCHEDULER_ID")
	sql "UPDATE customers SET name = 'Browser Test Co',
	    ey_url = 'https://ey.example/api/1/service_accounts/$customer'
	    WHERE id = $customer"
	sql "UPDATE schedulers SET name = 'shop/production',
	    app_name = 'shop', environment_name = 'production'
	    WHERE id = $SCHEDULER_ID"
	new_job http://e.local/report '@daily'
	new_job http://e.local/cleanup '*/5 * * * *'
	job=$JOB_ID

	owner_link=$(signed_link "/customers/$customer")
	collaborator_link=${owner_link/access_level=owner/access_level=collaborator}
	[ "$collaborator_link" != "$owner_link" ]

	cd "$top/t/browser"
	CHRONATOG_BASE=$BASE CUSTOMER_ID=$customer \
	    SCHEDULER_ID=$SCHEDULER_ID JOB_ID=$job \
	    OWNER_LINK=$owner_link \
	    SCHEDULER_LINK=$(signed_link \
	    "/customers/$customer/schedulers/$SCHEDULER_ID") \
	    TAMPERED_LINK=$collaborator_link \
	    EXPIRED_LINK=$(signed_link "/customers/$customer" '6 minutes ago') \
	    RETURN_URL="$BASE/?from=chronatog" \
	    SCREENSHOTS=$top/t/browser/screenshots \
	    run node --test --test-reporter=spec sso.test.mjs
	echo "$output"
	[ "$status" -eq 0 ]

	# What the browser changed is in the database.
	run sql "SELECT plan FROM customers WHERE id = $customer"
	[ "$output" = awesome ]
	run sql "SELECT enabled FROM jobs WHERE id = $job"
	[ "$output" = 0 ]

	for name in customer plan-changed signed-out tampered-link \
	    expired-link scheduler scheduler-paused; do
		[ -s "screenshots/$name.png" ]
	done
}
