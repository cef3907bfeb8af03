#!/usr/bin/env python3
"""Sign-in latency with password + TOTP against password only, in the same run (bench/second-factor.sh).

usage: second-factor.py BASE_URL ACCOUNTS

Signs up ACCOUNTS + 1 members; ACCOUNTS of them enrol an authenticator app through the security page (the
secret read off the page, codes computed here, RFC 6238). Then, alternately, one password-only sign-in
(POST /api/v1/login, bearer) and one two-factor sign-in (POST /api/v1/login, then
POST /api/v1/login/second-factor with a code), timing each whole sign-in. A code works once per member, so
each enrolled member signs in with the code of the current step, then of the next one (within the ±1
window): two two-factor sign-ins per member. Prints one line per kind: count, median, p99.
"""
import base64, hashlib, hmac, http.cookiejar, json, re, struct, sys, time, urllib.error, urllib.request

BASE, ACCOUNTS = sys.argv[1], int(sys.argv[2])
PASSWORD = "a long benchmark passphrase 42"
RUN = str(int(time.time()))


def totp(secret, step):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    h = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    o = h[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


def client():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect()), jar


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call(opener, method, path, body=None, form=None):
    data, headers = None, {}
    if body is not None:
        data, headers = json.dumps(body).encode(), {"Content-Type": "application/json"}
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with opener.open(request, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def csrf(page):
    m = re.search(r'name="_csrf" value="([^"]+)"', page)
    if not m:
        raise SystemExit("no CSRF token on the page")
    return m.group(1)


def enrolled_member(i):
    opener, _ = client()
    email = "bench-2fa-%s-%d@example.test" % (RUN, i)
    status, body = call(opener, "POST", "/api/v1/signup", {"email": email, "password": PASSWORD, "name": "Bench", "team": "Bench"})
    if status != 201:
        raise SystemExit("sign-up failed: %d %s" % (status, body[:200]))
    _, page = call(opener, "GET", "/settings/security")
    call(opener, "POST", "/settings/security/two-factor/start", form={"_csrf": csrf(page)})
    _, page = call(opener, "GET", "/settings/security")
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    step = int(time.time()) // 30
    status, page = call(opener, "POST", "/settings/security/two-factor/confirm", form={"_csrf": csrf(page), "code": totp(secret, step - 1)})
    if status != 200 or "recovery-codes" not in page:
        raise SystemExit("enrolment failed: %d" % status)
    return {"email": email, "secret": secret, "last": step - 1}


def timed(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def password_only(email):
    opener, _ = client()
    status, body = call(opener, "POST", "/api/v1/login", {"email": email, "password": PASSWORD, "tokenType": "bearer"})
    if status != 201:
        raise SystemExit("password sign-in failed: %d %s" % (status, body[:200]))


def two_factor(member, step):
    opener, _ = client()
    status, body = call(opener, "POST", "/api/v1/login", {"email": member["email"], "password": PASSWORD, "tokenType": "bearer"})
    if status != 200:
        raise SystemExit("first step failed: %d %s" % (status, body[:200]))
    challenge = json.loads(body)["challenge"]
    status, body = call(opener, "POST", "/api/v1/login/second-factor", {"challenge": challenge, "code": totp(member["secret"], step)})
    if status != 201 or '"verified":true' not in body:
        raise SystemExit("second step failed: %d %s" % (status, body[:200]))


def summary(name, samples):
    s = sorted(samples)
    median = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
    p99 = s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))]
    return name, len(s), median, p99


plain_opener, _ = client()
plain_email = "bench-plain-%s@example.test" % RUN
status, _ = call(plain_opener, "POST", "/api/v1/signup", {"email": plain_email, "password": PASSWORD, "name": "Bench", "team": "Bench"})
if status != 201:
    raise SystemExit("sign-up failed: %d" % status)
members = [enrolled_member(i) for i in range(ACCOUNTS)]

# Warm-up: a few of each, not counted.
for _ in range(5):
    password_only(plain_email)
plain, second = [], []
for member in members:
    for _ in range(2):
        # The step is chosen just before the sign-in, never behind now: a slow sign-in that crosses into
        # the next step still sends a code within the window (now-1), and never one used before.
        now = int(time.time()) // 30
        step = max(member["last"] + 1, now)
        if step > now + 1:
            break
        plain.append(timed(lambda: password_only(plain_email)))
        second.append(timed(lambda: two_factor(member, step)))
        member["last"] = step

for name, n, median, p99 in (summary("password only", plain), summary("password + TOTP", second)):
    print("%-18s n=%-4d median %7.1f ms   p99 %7.1f ms" % (name, n, median, p99))
print("ratio (password + TOTP / password only): median %.2fx  p99 %.2fx"
      % (summary("", second)[2] / summary("", plain)[2], summary("", second)[3] / summary("", plain)[3]))
