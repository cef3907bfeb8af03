-- POST /api/v1/login with a JSON body (bench/signin.sh): wrk ... -s bench/signin-login.lua URL -- EMAIL PASSWORD
local body
function init(args)
    body = string.format('{"email":"%s","password":"%s","tokenType":"bearer"}', args[1], args[2])
end
function request()
    return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
-- Say what a refused sign-in was answered, so a failed run tells why (a few per thread at most).
local reported = 0
function response(status, headers, body)
    if status >= 300 and reported < 3 then
        reported = reported + 1
        io.stderr:write(string.format("non-2xx answer: %d %s\n", status, string.sub(body or "", 1, 300)))
    end
end
