#!/usr/bin/env bats
#
# AuthHMAC request signatures, SSO signed URLs, Base64 and the crypto
# helpers, checked through build/t/signature_test against known answers.
# The expected signatures were computed independently of libchronatog
# (HMAC-SHA1 and Base64 from Python's standard library); the AuthHMAC and
# SSO known answers are those of the original Ruby implementation.

setup() {
	SIGNATURE_TEST=${SIGNATURE_TEST:-$BATS_TEST_DIRNAME/../build/t/signature_test}

	DATE='Thu, 10 Jul 2008 03:29:56 GMT'
	DATE_SECONDS=1215660596
	URL='http://example.com/path/to/put?foo=bar&bar=foo'

	# The request that authhmac-verify reads from the CGI variables, with
	# the body on standard input: the "somebody" known answer.
	export REQUEST_METHOD=PUT
	export CONTENT_TYPE=text/plain
	export HTTP_DATE=$DATE
	export REQUEST_URI='/path/to/put?foo=bar&bar=foo'
	export HTTP_AUTHORIZATION='AuthHMAC my-key-id:EGLJlEoCa5s7MDgVZ7tGuIk3s68='
	unset SCRIPT_NAME PATH_INFO
	BODY=somebody
	AUTH_ID=my-key-id
	AUTH_KEY=secret
	NOW=$DATE_SECONDS

	SSO_ID=3243afed3242
	SSO_KEY=987a87c98f78d9a8c798f7d89
	KNOWN_URL='http://example.com/sign_test?foo=bar&xargs=5&zarg=boot'
	KNOWN_URL+='&signature=AuthHMAC+3243afed3242%3AHAVuM8xCe7tDtHXAOFO%2F7aV9X8I%3D'

	# Signed at 2026-12-04T15:00:00Z, which is SIGNED_AT in Unix seconds.
	SIGNED_AT=1796396400
	SSO_BASE='https://chronatog.example/eyintegration/sso/customers/1'
	EY_URL="$SSO_BASE?access_level=owner"
	EY_URL+='&ey_return_to_url=https%3A%2F%2Fcloud.example%2Fdashboard'
	EY_URL+='&ey_user_email=ada%40example.com&ey_user_id=42'
	EY_URL+='&ey_user_name=Ada+Lovelace&timestamp=2026-12-04T15%3A00%3A00Z'
	EY_URL+='&signature=AuthHMAC+3243afed3242%3AmisHJQxuimOEULvH7xrH03iZERQ%3D'

	# The same parameters signed with "~" encoded as %7E, and signed with
	# "~" left as is.
	TILDE_ENCODED_URL="$SSO_BASE?ey_return_to_url="
	TILDE_ENCODED_URL+='https%3A%2F%2Fcloud.example%2F%7Eada%2Fapps'
	TILDE_ENCODED_URL+='&ey_user_id=42'
	TILDE_ENCODED_URL+='&timestamp=2026-12-04T15%3A00%3A00%2B00%3A00'
	TILDE_ENCODED_URL+='&signature=AuthHMAC+3243afed3242%3AOsgGgET7i0SYJPlA3wJzMUVm2oI%3D'
	TILDE_RAW_URL="$SSO_BASE?ey_return_to_url="
	TILDE_RAW_URL+='https%3A%2F%2Fcloud.example%2F~ada%2Fapps'
	TILDE_RAW_URL+='&ey_user_id=42'
	TILDE_RAW_URL+='&timestamp=2026-12-04T15%3A00%3A00%2B00%3A00'
	TILDE_RAW_URL+='&signature=AuthHMAC+3243afed3242%3ASbS%2BQa1XKzN9YWhJLqHdkWb7Hx4%3D'
}

verify() {
	printf '%s' "$BODY" |
	    "$SIGNATURE_TEST" authhmac-verify "$AUTH_ID" "$AUTH_KEY" "$NOW"
}

sso_verify() {
	"$SIGNATURE_TEST" sso-verify "$1" "$SSO_ID" "$SSO_KEY" "${2:-$SIGNED_AT}"
}

# AuthHMAC: canonical string and signing

@test "canonical string with body" {
	run "$SIGNATURE_TEST" authhmac-canonical PUT text/plain somebody \
	    "$DATE" "$URL"
	[ "$status" -eq 0 ]
	[ "$output" = $'PUT\ntext/plain\n78b9d09661da64f0bc6c146c524bae4a\nThu, 10 Jul 2008 03:29:56 GMT\n/path/to/put' ]
}

@test "canonical string with empty body" {
	run "$SIGNATURE_TEST" authhmac-canonical GET '' '' "$DATE" "$URL"
	[ "$status" -eq 0 ]
	[ "$output" = $'GET\n\n\nThu, 10 Jul 2008 03:29:56 GMT\n/path/to/put' ]
}

@test "canonical string legacy empty body" {
	run "$SIGNATURE_TEST" authhmac-canonical GET '' '' "$DATE" "$URL" \
	    legacy
	[ "$status" -eq 0 ]
	[ "$output" = $'GET\n\nd41d8cd98f00b204e9800998ecf8427e\nThu, 10 Jul 2008 03:29:56 GMT\n/path/to/put' ]
}

@test "sign known answer somebody" {
	run "$SIGNATURE_TEST" authhmac-sign my-key-id secret PUT text/plain \
	    somebody "$DATE" "$URL"
	[ "$status" -eq 0 ]
	[ "$output" = 'AuthHMAC my-key-id:EGLJlEoCa5s7MDgVZ7tGuIk3s68=' ]
}

@test "sign known answer punctuated body" {
	run "$SIGNATURE_TEST" authhmac-sign my-key-id secret PUT text/plain \
	    'something, something?' "$DATE" "$URL"
	[ "$status" -eq 0 ]
	[ "$output" = 'AuthHMAC my-key-id:YzKgetuk8Tkz19c4eUqbfg4QrFg=' ]
}

@test "sign request URI without host" {
	run "$SIGNATURE_TEST" authhmac-sign my-key-id secret PUT text/plain \
	    somebody "$DATE" '/path/to/put?foo=bar&bar=foo'
	[ "$status" -eq 0 ]
	[ "$output" = 'AuthHMAC my-key-id:EGLJlEoCa5s7MDgVZ7tGuIk3s68=' ]
}

@test "sign empty body current rule" {
	run "$SIGNATURE_TEST" authhmac-sign my-key-id secret GET '' '' \
	    "$DATE" "$URL"
	[ "$status" -eq 0 ]
	[ "$output" = 'AuthHMAC my-key-id:R1ZVbb/LkeL4l0KtoWDaqD9QVv4=' ]
}

@test "sign rejects missing Date" {
	run "$SIGNATURE_TEST" authhmac-sign my-key-id secret PUT text/plain \
	    somebody '' "$URL"
	[ "$status" -eq 2 ]
	[ "$output" = 'signature_test: Date header missing' ]
}

@test "sign rejects invalid key id" {
	run "$SIGNATURE_TEST" authhmac-sign 'my:id' secret PUT text/plain \
	    somebody "$DATE" "$URL"
	[ "$status" -eq 2 ]
	[[ "$output" == *"key id must be printable ASCII"* ]]
}

@test "HTTP date known answers" {
	while read -r seconds expected; do
		echo "case: $seconds"
		run "$SIGNATURE_TEST" http-date "$seconds"
		[ "$status" -eq 0 ]
		[ "$output" = "$expected" ]
	done <<-'END'
	1215660596 Thu, 10 Jul 2008 03:29:56 GMT
	0 Thu, 01 Jan 1970 00:00:00 GMT
	1796396400 Fri, 04 Dec 2026 15:00:00 GMT
	951782400 Tue, 29 Feb 2000 00:00:00 GMT
	END
}

# AuthHMAC: request path on the server side

@test "path from REQUEST_URI" {
	while read -r uri expected; do
		echo "case: $uri"
		REQUEST_URI=$uri run "$SIGNATURE_TEST" authhmac-path
		[ "$status" -eq 0 ]
		[ "$output" = "$expected" ]
	done <<-'END'
	/path/to/put?foo=bar&bar=foo /path/to/put
	/path/to/put /path/to/put
	/path/to/put#part /path/to/put
	/a%20b?c=d /a%20b
	/ /
	END
}

@test "path from SCRIPT_NAME and PATH_INFO" {
	unset REQUEST_URI
	SCRIPT_NAME=/api PATH_INFO=/path/to/put run "$SIGNATURE_TEST" \
	    authhmac-path
	[ "$status" -eq 0 ]
	[ "$output" = /api/path/to/put ]
}

@test "path from SCRIPT_NAME alone" {
	unset REQUEST_URI
	SCRIPT_NAME=/api/path/to/put run "$SIGNATURE_TEST" authhmac-path
	[ "$status" -eq 0 ]
	[ "$output" = /api/path/to/put ]
}

@test "path missing everywhere" {
	unset REQUEST_URI
	run "$SIGNATURE_TEST" authhmac-path
	[ "$status" -eq 2 ]
	[[ "$output" == *"request path missing"* ]]
}

# AuthHMAC: verification

@test "verify known answer somebody" {
	run verify
	[ "$status" -eq 0 ]
	[ "$output" = verified ]
}

@test "verify known answer punctuated body" {
	BODY='something, something?'
	HTTP_AUTHORIZATION='AuthHMAC my-key-id:YzKgetuk8Tkz19c4eUqbfg4QrFg='
	run verify
	[ "$status" -eq 0 ]
	[ "$output" = verified ]
}

@test "verify SCRIPT_NAME and PATH_INFO" {
	unset REQUEST_URI
	export SCRIPT_NAME=/api PATH_INFO=/path/to/put
	HTTP_AUTHORIZATION='AuthHMAC my-key-id:DU6/17j0LyIdOJNG1gEW6PecneE='
	run verify
	[ "$status" -eq 0 ]
	[ "$output" = verified ]
}

@test "verify empty body current rule" {
	REQUEST_METHOD=GET
	unset CONTENT_TYPE
	BODY=
	HTTP_AUTHORIZATION='AuthHMAC my-key-id:R1ZVbb/LkeL4l0KtoWDaqD9QVv4='
	run verify
	[ "$status" -eq 0 ]
	[ "$output" = verified ]
}

@test "verify empty body legacy rule" {
	REQUEST_METHOD=GET
	unset CONTENT_TYPE
	BODY=
	HTTP_AUTHORIZATION='AuthHMAC my-key-id:YmksJncElcp5zxEAs2BrzrhHvxo='
	run verify
	[ "$status" -eq 0 ]
	[ "$output" = verified ]
}

@test "verify obsolete Date formats" {
	while IFS='|' read -r date signature; do
		echo "case: $date"
		HTTP_DATE=$date
		HTTP_AUTHORIZATION="AuthHMAC my-key-id:$signature"
		run verify
		[ "$status" -eq 0 ]
		[ "$output" = verified ]
	done <<-'END'
	Thursday, 10-Jul-08 03:29:56 GMT|xu3SZiLFK1PlamcfaD6IFQmSaIc=
	Thu Jul 10 03:29:56 2008|jAXiL/iszdcjPNGu0efW14lhx9o=
	END
}

@test "verify rejects wrong key" {
	AUTH_KEY=secreT
	run verify
	[ "$status" -eq 1 ]
	[ "$output" = 'Authentication failure: signature mismatch' ]
}

@test "verify rejects unknown key id" {
	AUTH_ID=other-key-id
	run verify
	[ "$status" -eq 1 ]
	[ "$output" = 'Authentication failure: unknown key id my-key-id' ]
}

@test "verify rejects tampered body" {
	BODY=somebodY
	run verify
	[ "$status" -eq 1 ]
	[ "$output" = 'Authentication failure: signature mismatch' ]
}

@test "verify rejects tampered path" {
	REQUEST_URI='/path/to/pot?foo=bar&bar=foo'
	run verify
	[ "$status" -eq 1 ]
	[ "$output" = 'Authentication failure: signature mismatch' ]
}

@test "verify rejects tampered headers" {
	while read -r name value; do
		echo "case: $name=$value"
		export "$name=$value"
		run verify
		[ "$status" -eq 1 ]
		[ "$output" = 'Authentication failure: signature mismatch' ]
		setup
	done <<-'END'
	REQUEST_METHOD POST
	CONTENT_TYPE text/html
	CONTENT_TYPE
	HTTP_DATE Thu, 10 Jul 2008 03:29:57 GMT
	END
}

@test "verify rejects legacy rule with body" {
	HTTP_AUTHORIZATION='AuthHMAC my-key-id:YmksJncElcp5zxEAs2BrzrhHvxo='
	REQUEST_METHOD=GET
	unset CONTENT_TYPE
	BODY=x
	run verify
	[ "$status" -eq 1 ]
	[ "$output" = 'Authentication failure: signature mismatch' ]
}

@test "verify rejects stale Date" {
	NOW=$((DATE_SECONDS + 901))
	run verify
	[ "$status" -eq 1 ]
	[ "$output" = 'Authentication failure: Date Thu, 10 Jul 2008 03:29:56 GMT is 901 seconds off the server clock (maximum 900)' ]
}

@test "verify rejects future Date" {
	NOW=$((DATE_SECONDS - 901))
	run verify
	[ "$status" -eq 1 ]
	[ "$output" = 'Authentication failure: Date Thu, 10 Jul 2008 03:29:56 GMT is 901 seconds off the server clock (maximum 900)' ]
}

@test "verify accepts Date at limit" {
	for now in $((DATE_SECONDS - 900)) $((DATE_SECONDS + 900)); do
		echo "case: now $now"
		NOW=$now
		run verify
		[ "$status" -eq 0 ]
		[ "$output" = verified ]
	done
}

@test "verify rejects missing Date" {
	unset HTTP_DATE
	run verify
	[ "$status" -eq 1 ]
	[ "$output" = 'Authentication failure: Date header missing' ]
}

@test "verify rejects invalid Date" {
	HTTP_DATE=yesterday
	run verify
	[ "$status" -eq 1 ]
	[ "$output" = 'Authentication failure: Date header is not a valid HTTP date' ]
}

@test "verify rejects missing Authorization" {
	unset HTTP_AUTHORIZATION
	run verify
	[ "$status" -eq 1 ]
	[ "$output" = 'Authentication failure: missing Authorization header' ]
}

@test "verify rejects malformed Authorization" {
	while read -r value; do
		echo "case: $value"
		HTTP_AUTHORIZATION=$value
		run verify
		[ "$status" -eq 1 ]
		[ "$output" = "Authentication failure: Authorization header is not of the form 'AuthHMAC <key id>:<signature>'" ]
	done <<-'END'
	Basic bXkta2V5LWlkOnNlY3JldA==
	AuthHMAC my-key-id
	AuthHMAC :EGLJlEoCa5s7MDgVZ7tGuIk3s68=
	AuthHMAC my-key-id:
	AuthHMAC my key-id:EGLJlEoCa5s7MDgVZ7tGuIk3s68=
	authhmac my-key-id:EGLJlEoCa5s7MDgVZ7tGuIk3s68=
	END
}

@test "verify rejects invalid Base64 signature" {
	while read -r signature; do
		echo "case: $signature"
		HTTP_AUTHORIZATION="AuthHMAC my-key-id:$signature"
		run verify
		[ "$status" -eq 1 ]
		[ "$output" = 'Authentication failure: signature mismatch' ]
	done <<-'END'
	EGLJlEoCa5s7MDgVZ7tGuIk3s68
	EGLJlEoCa5s7MDgVZ7tGuIk3s6==
	!GLJlEoCa5s7MDgVZ7tGuIk3s68=
	EGLJlEoCa5s7MDgVZ7tGuIk3s68=EGLJ
	END
}

# SSO: signing

@test "SSO sign known answer" {
	run "$SIGNATURE_TEST" sso-sign http://example.com/sign_test \
	    "$SSO_ID" "$SSO_KEY" foo=bar zarg=boot xargs=5
	[ "$status" -eq 0 ]
	[ "$output" = "$KNOWN_URL" ]
}

@test "SSO sign keeps existing query" {
	run "$SIGNATURE_TEST" sso-sign 'http://example.com/sign_test?zarg=boot' \
	    "$SSO_ID" "$SSO_KEY" xargs=5 foo=bar
	[ "$status" -eq 0 ]
	[ "$output" = "$KNOWN_URL" ]
}

@test "SSO sign EY parameters" {
	run "$SIGNATURE_TEST" sso-sign "$SSO_BASE" "$SSO_ID" "$SSO_KEY" \
	    ey_user_id=42 'ey_user_name=Ada Lovelace' \
	    ey_user_email=ada@example.com access_level=owner \
	    ey_return_to_url=https://cloud.example/dashboard \
	    timestamp=2026-12-04T15:00:00Z
	[ "$status" -eq 0 ]
	[ "$output" = "$EY_URL" ]
}

@test "SSO sign encodes tilde" {
	run "$SIGNATURE_TEST" sso-sign "$SSO_BASE" "$SSO_ID" "$SSO_KEY" \
	    ey_user_id=42 ey_return_to_url=https://cloud.example/~ada/apps \
	    timestamp=2026-12-04T15:00:00+00:00
	[ "$status" -eq 0 ]
	[ "$output" = "$TILDE_ENCODED_URL" ]
}

@test "SSO sign port only when not default" {
	while read -r url expected; do
		echo "case: $url"
		run "$SIGNATURE_TEST" sso-sign "$url" "$SSO_ID" "$SSO_KEY" a=1
		[ "$status" -eq 0 ]
		[[ "$output" == "$expected&signature="* ]]
	done <<-'END'
	http://example.com:8080/sso http://example.com:8080/sso?a=1
	http://example.com:80/sso http://example.com/sso?a=1
	https://example.com:443/sso https://example.com/sso?a=1
	END
}

@test "SSO sign rejects signature parameter" {
	run "$SIGNATURE_TEST" sso-sign http://example.com/sign_test \
	    "$SSO_ID" "$SSO_KEY" signature=x
	[ "$status" -eq 2 ]
	[[ "$output" == *"signature is reserved"* ]]
}

@test "SSO sign rejects duplicate parameter" {
	run "$SIGNATURE_TEST" sso-sign 'http://example.com/sign_test?foo=bar' \
	    "$SSO_ID" "$SSO_KEY" foo=baz
	[ "$status" -eq 2 ]
	[ "$output" = 'signature_test: parameter foo appears more than once' ]
}

@test "form encoding table" {
	while IFS='|' read -r text expected; do
		echo "case: $text"
		run "$SIGNATURE_TEST" form-encode "$text"
		[ "$status" -eq 0 ]
		[ "$output" = "$expected" ]
	done <<-'END'
	a b|a+b
	~|%7E
	*|%2A
	AZaz09-._|AZaz09-._
	é|%C3%A9
	%20|%2520
	+|%2B
	/:?&=#|%2F%3A%3F%26%3D%23
	AuthHMAC id:a/b+c=|AuthHMAC+id%3Aa%2Fb%2Bc%3D
	END
}

# SSO: verification

@test "SSO check known answer" {
	run "$SIGNATURE_TEST" sso-check "$KNOWN_URL" "$SSO_ID" "$SSO_KEY"
	[ "$status" -eq 0 ]
	[ "$output" = $'auth_id=3243afed3242\nfoo=bar\nxargs=5\nzarg=boot' ]
}

@test "SSO changing any letter fails" {
	local prefix=${KNOWN_URL%%&signature=*}
	local suffix=${KNOWN_URL#"$prefix"}
	local i letter replacement tampered

	for ((i = 0; i < ${#prefix}; i++)); do
		letter=${prefix:i:1}
		[[ $letter =~ [A-Za-z0-9] ]] || continue
		replacement=a
		[ "$letter" != a ] || replacement=b
		tampered="${prefix:0:i}$replacement${prefix:i+1}$suffix"

		run "$SIGNATURE_TEST" sso-check "$tampered" "$SSO_ID" "$SSO_KEY"
		if [ "$status" -ne 1 ]; then
			echo "changing letter $i to $replacement gave status" \
			    "$status: $tampered"
			return 1
		fi
	done
}

@test "SSO verify EY parameters" {
	run sso_verify "$EY_URL"
	[ "$status" -eq 0 ]
	[ "$output" = "auth_id=3243afed3242
ey_user_id=42
ey_user_name=Ada Lovelace
ey_user_email=ada@example.com
access_level=owner
ey_return_to_url=https://cloud.example/dashboard
timestamp=1796396400" ]
}

@test "SSO verify tilde signed encoded" {
	run sso_verify "$TILDE_ENCODED_URL"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ey_return_to_url=https://cloud.example/~ada/apps"* ]]

	run sso_verify "${TILDE_ENCODED_URL/"%7E"/"~"}"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ey_return_to_url=https://cloud.example/~ada/apps"* ]]
}

@test "SSO verify tilde signed raw" {
	run sso_verify "$TILDE_RAW_URL"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ey_return_to_url=https://cloud.example/~ada/apps"* ]]

	run sso_verify "${TILDE_RAW_URL/"~"/"%7E"}"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ey_return_to_url=https://cloud.example/~ada/apps"* ]]
}

@test "SSO verify timestamp forms" {
	local url

	while read -r timestamp expected; do
		echo "case: $timestamp"
		url=$("$SIGNATURE_TEST" sso-sign "$SSO_BASE" "$SSO_ID" \
		    "$SSO_KEY" ey_user_id=42 "timestamp=$timestamp")
		run sso_verify "$url"
		[ "$status" -eq 0 ]
		[ "${lines[-1]}" = "timestamp=$expected" ]
	done <<-'END'
	2026-12-04T15:00:00Z 1796396400
	2026-12-04T15:00:00+00:00 1796396400
	2026-12-04T16:00:00+01:00 1796396400
	2026-12-04T10:00:00-05:00 1796396400
	2026-12-04T15:00:00.250Z 1796396400
	2026-12-04t15:00:00z 1796396400
	2026-12-04T15:05:00Z 1796396700
	2026-12-04T14:55:00Z 1796396100
	END
}

@test "SSO rejects invalid timestamp" {
	local url

	while read -r timestamp; do
		echo "case: $timestamp"
		url=$("$SIGNATURE_TEST" sso-sign "$SSO_BASE" "$SSO_ID" \
		    "$SSO_KEY" ey_user_id=42 "timestamp=$timestamp")
		run sso_verify "$url"
		[ "$status" -eq 1 ]
		[ "$output" = 'invalid: timestamp parameter is not an ISO 8601 time such as 2026-12-04T15:00:00Z' ]
	done <<-'END'
	1796396400
	2026-12-04
	2026-12-04T15:00Z
	2026-12-04T15:00:00
	2026-12-04 15:00:00Z
	2026-02-30T15:00:00Z
	2026-12-04T24:00:00Z
	2026-12-04T15:00:00+0100
	Fri, 04 Dec 2026 15:00:00 GMT
	END
}

@test "SSO rejects expired timestamp" {
	run sso_verify "$EY_URL" $((SIGNED_AT + 301))
	[ "$status" -eq 1 ]
	[ "$output" = 'invalid: timestamp 2026-12-04T15:00:00Z is 301 seconds old (maximum 300)' ]
}

@test "SSO rejects future timestamp" {
	run sso_verify "$EY_URL" $((SIGNED_AT - 301))
	[ "$status" -eq 1 ]
	[ "$output" = 'invalid: timestamp 2026-12-04T15:00:00Z is 301 seconds in the future (maximum 300)' ]
}

@test "SSO accepts timestamp at limit" {
	for now in $((SIGNED_AT - 300)) $((SIGNED_AT + 300)); do
		echo "case: now $now"
		run sso_verify "$EY_URL" "$now"
		[ "$status" -eq 0 ]
		[ "${lines[-1]}" = "timestamp=$SIGNED_AT" ]
	done
}

@test "SSO rejects missing timestamp" {
	run sso_verify "$KNOWN_URL"
	[ "$status" -eq 1 ]
	[ "$output" = 'invalid: timestamp parameter missing' ]
}

@test "SSO rejects missing signature" {
	run sso_verify "${EY_URL%%&signature=*}"
	[ "$status" -eq 1 ]
	[ "$output" = 'invalid: signature parameter missing' ]
}

@test "SSO rejects wrong key" {
	SSO_KEY=987a87c98f78d9a8c798f7d8a
	run sso_verify "$EY_URL"
	[ "$status" -eq 1 ]
	[ "$output" = 'invalid: signature mismatch' ]
}

@test "SSO rejects unknown key id" {
	SSO_ID=3243afed3243
	run sso_verify "$EY_URL"
	[ "$status" -eq 1 ]
	[ "$output" = 'invalid: unknown key id 3243afed3242' ]
}

@test "SSO rejects added parameter" {
	run sso_verify "$EY_URL&access_level=collaborator"
	[ "$status" -eq 1 ]
	[ "$output" = 'invalid: parameter access_level appears more than once' ]

	run sso_verify "$EY_URL&admin=1"
	[ "$status" -eq 1 ]
	[ "$output" = 'invalid: signature mismatch' ]
}

@test "SSO rejects duplicate signature" {
	run sso_verify "$EY_URL&signature=x"
	[ "$status" -eq 1 ]
	[ "$output" = 'invalid: signature parameter appears more than once' ]
}

@test "SSO rejects malformed signature" {
	run sso_verify "${EY_URL%%&signature=*}&signature=misHJQxuimOEULvH7xrH03iZERQ%3D"
	[ "$status" -eq 1 ]
	[ "$output" = "invalid: signature parameter is not of the form 'AuthHMAC <key id>:<signature>'" ]
}

@test "SSO rejects other host" {
	run sso_verify "${EY_URL/chronatog.example/chronatog.example.net}"
	[ "$status" -eq 1 ]
	[ "$output" = 'invalid: signature mismatch' ]
}

@test "SSO rejects encoded NUL byte" {
	run sso_verify "$EY_URL&x=%00"
	[ "$status" -eq 1 ]
	[ "$output" = 'invalid: query parameter contains an encoded NUL byte (%00)' ]
}

@test "SSO rejects invalid URL" {
	run sso_verify 'not a url'
	[ "$status" -eq 1 ]
	[[ "$output" == 'invalid: URL is invalid: '* ]]
}

# Base64

@test "Base64 round trips" {
	while read -r text encoded; do
		echo "case: $text"
		run "$SIGNATURE_TEST" base64-encode "$text"
		[ "$status" -eq 0 ]
		[ "$output" = "$encoded" ]

		run "$SIGNATURE_TEST" base64-decode "$encoded"
		[ "$status" -eq 0 ]
		[ "$output" = "$text" ]
	done <<-'END'
	f Zg==
	fo Zm8=
	foo Zm9v
	foob Zm9vYg==
	fooba Zm9vYmE=
	foobar Zm9vYmFy
	??>? Pz8+Pw==
	~~~ fn5+
	END
}

@test "Base64 empty text" {
	run "$SIGNATURE_TEST" base64-encode ''
	[ "$status" -eq 0 ]
	[ "$output" = '' ]

	run "$SIGNATURE_TEST" base64-decode ''
	[ "$status" -eq 0 ]
	[ "$output" = '' ]
}

@test "Base64 rejects invalid text" {
	while read -r text; do
		echo "case: $text"
		run "$SIGNATURE_TEST" base64-decode "$text"
		[ "$status" -eq 1 ]
		[ "$output" = 'invalid Base64' ]
	done <<-'END'
	Zg=
	Zm9vY
	Zm9!
	Zm9v Zg==
	Zm-v
	Zm_v
	=Zm9
	Zm=v
	Zg=A
	Z===
	Zg==Zm9v
	END
}

# Crypto helpers

@test "digest known answers" {
	while read -r algorithm text expected; do
		echo "case: $algorithm $text"
		run "$SIGNATURE_TEST" "$algorithm" "$text"
		[ "$status" -eq 0 ]
		[ "$output" = "$expected" ]
	done <<-'END'
	md5 somebody 78b9d09661da64f0bc6c146c524bae4a
	md5 abc 900150983cd24fb0d6963f7d28e17f72
	sha256 abc ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
	END
}

@test "digests of empty text" {
	run "$SIGNATURE_TEST" md5 ''
	[ "$status" -eq 0 ]
	[ "$output" = d41d8cd98f00b204e9800998ecf8427e ]

	run "$SIGNATURE_TEST" sha256 ''
	[ "$status" -eq 0 ]
	[ "$output" = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ]
}

@test "random hex shape" {
	local first

	for digits in 0 1 14 26 27 64 65 200; do
		echo "case: $digits digits"
		run "$SIGNATURE_TEST" random-hex "$digits"
		[ "$status" -eq 0 ]
		[ "${#output}" -eq "$digits" ]
		[[ "$output" =~ ^[0-9a-f]*$ ]]
	done

	run "$SIGNATURE_TEST" random-hex 26
	first=$output
	run "$SIGNATURE_TEST" random-hex 26
	[ "$output" != "$first" ]
}

@test "constant-time compare" {
	run "$SIGNATURE_TEST" equal abcdef abcdef
	[ "$status" -eq 0 ]

	run "$SIGNATURE_TEST" equal abcdef abcdeg
	[ "$status" -eq 1 ]

	run "$SIGNATURE_TEST" equal Xbcdef abcdef
	[ "$status" -eq 1 ]

	run "$SIGNATURE_TEST" equal '' ''
	[ "$status" -eq 0 ]
}
