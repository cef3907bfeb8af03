-- POST /api/v1/login with a JSON body (bench/signin.sh): wrk ... -s bench/signin-login.lua URL -- EMAIL PASSWORD
local body
function init(args)
    body = string.format('{"email":"%s","password":"%s","tokenType":"bearer"}', args[1], args[2])
end
function request()
    return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
