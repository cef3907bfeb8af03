// Failed password sign-ins (MODE login): an existing email with a wrong password against an unknown email,
// or sign-ups where emails are confirmed (MODE signup, decision 61): an existing email against a free one,
// timed from the client (see bench/enumeration.sh). MODE create only signs up the accounts.
// node bench/enumeration.mjs BASE ACCOUNTS WARMUP_ACCOUNTS [MODE]
// Each request comes through a "proxy" (X-Forwarded-For, the server trusts 127.0.0.1) from an address
// of its own, so the per-address throttle never answers; each existing email is tried at most 45 times
// (the per-email ceiling is 50 an hour), or 3 times at sign-up (3 sign-up mails an hour). The order of the
// two kinds is random in each pair.
const [base, accounts, warmupAccounts] = [process.argv[2], +process.argv[3], +process.argv[4]];
const mode = process.argv[5] || 'login';
const PER_EMAIL = mode === 'signup' ? 3 : 45;
let n = 0;
const address = () => { n++; return `198.18.${(n >> 8) & 255}.${n & 255}`; };

async function login(email) {
  const started = process.hrtime.bigint();
  const res = await fetch(`${base}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address() },
    body: JSON.stringify({ email, password: 'not the right password at all', tokenType: 'bearer' }),
  });
  await res.arrayBuffer();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.status !== 401) throw new Error(`${email}: expected 401, got ${res.status}`);
  return ms;
}

async function signUpTimed(email) {
  const started = process.hrtime.bigint();
  const res = await fetch(`${base}/api/v1/signup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address() },
    body: JSON.stringify({ email, password: 'a long benchmark passphrase 43', name: 'Probe', team: 'Probe' }),
  });
  await res.arrayBuffer();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.status !== 202) throw new Error(`${email}: expected 202, got ${res.status}`);
  return ms;
}

async function signUp(i) {
  const res = await fetch(`${base}/api/v1/signup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address() },
    body: JSON.stringify({ email: `member${i}@example.test`, password: 'a long benchmark passphrase 42',
      name: `Member ${i}`, team: `Team ${i}` }),
  });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`sign-up ${i}: ${res.status}`);
}

async function pairs(from, count, existing, unknown) {
  for (let a = from; a < from + count; a++) {
    for (let k = 0; k < PER_EMAIL; k++) {
      const known = `member${a}@example.test`;
      const stranger = `nobody-${a}-${k}-${Math.random().toString(36).slice(2)}@example.test`;
      if (Math.random() < 0.5) {
        existing.push(await attempt(known));
        unknown.push(await attempt(stranger));
      } else {
        unknown.push(await attempt(stranger));
        existing.push(await attempt(known));
      }
    }
  }
}

const attempt = mode === 'signup' ? signUpTimed : login;

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (s.length - 1));
  const cut = Math.floor(s.length * 0.1);
  const trimmed = s.slice(cut, s.length - cut);
  return { n: s.length, p10: q(0.1), median: q(0.5), p90: q(0.9), mean, sd,
    trimmed: trimmed.reduce((a, b) => a + b, 0) / trimmed.length };
};

if (mode !== 'signup') for (let i = 0; i < warmupAccounts + accounts; i++) await signUp(i);
if (mode === 'create') process.exit(0);
const ignoredA = [], ignoredB = [];
await pairs(0, warmupAccounts, ignoredA, ignoredB);
const existing = [], unknown = [];
await pairs(warmupAccounts, accounts, existing, unknown);
const e = stats(existing), u = stats(unknown);
const f = (x) => x.toFixed(2).padStart(8);
console.log('kind              n    p10  median     p90    mean  10%-trimmed   sd   (ms, client side)');
for (const [name, s] of [['existing email', e], ['unknown email ', u]]) {
  console.log(`${name} ${String(s.n).padStart(4)} ${f(s.p10)}${f(s.median)}${f(s.p90)}${f(s.mean)}${f(s.trimmed)}    ${f(s.sd)}`);
}
const se = Math.sqrt(e.sd ** 2 / e.n + u.sd ** 2 / u.n);
console.log(`difference (existing - unknown): median ${(e.median - u.median).toFixed(2)} ms, mean ${(e.mean - u.mean).toFixed(2)} ms`
  + ` ± ${se.toFixed(2)} (standard error), 10%-trimmed mean ${(e.trimmed - u.trimmed).toFixed(2)} ms`);
// Mann-Whitney U as a probability: how often an existing email's attempt took longer than an unknown one's.
let greater = 0;
for (const x of existing) for (const y of unknown) greater += x > y ? 1 : x === y ? 0.5 : 0;
console.log(`P(existing slower than unknown) = ${(greater / (existing.length * unknown.length)).toFixed(3)} (0.5: no difference)`);
