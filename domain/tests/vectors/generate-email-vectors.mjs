// Regenerates is_email.json from class-validator's own isEmail (validator.js), so the Rust rule is tested
// against the behaviour it must match rather than against our reading of it.
//
//   cd domain/tests/vectors && npm install --no-save class-validator@0.14 && node generate-email-vectors.mjs
//
// Each vector is the input and whether IsEmail() accepts it after JavaScript's trim(), which is what the
// service does before validating.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { isEmail } = require('class-validator');
const validatorVersion = require('validator/package.json').version;

const a = (n) => 'a'.repeat(n);
const handPicked = [
  // validator.js's own default-option vectors
  'foo@bar.com', 'x@x.au', 'foo@bar.com.au', 'foo+bar@bar.com', 'hans.m端ller@test.com', 'hans@m端ller.com',
  'test|123@m端ller.com', 'test123+ext@gmail.com', 'some.name.midd.leNa.me.and.locality+extension@GoogleMail.com',
  '"foobar"@example.com', '"  foo  m端ller "@example.com', '"foo\\@bar"@example.com',
  `${a(64)}@${a(63)}.com`, `${a(31)}@gmail.com`, 'test@gmail.com', 'test.1@gmail.com', 'test@1337.com',
  'foobar@my_sarisari_store.typepad.com', 'invalidemail@', 'invalid.com', '@invalid.com', 'foo@bar.com.',
  'foo@_bar.com', 'somename@ｇｍａｉｌ.com', 'foo@bar.co.uk.', 'z@co.c',
  'ｇｍａｉｌｇｍａｉｌｇｍａｉｌｇｍａｉｌｇｍａｉｌ@gmail.com', `${a(64)}@${a(251)}.com`, `${a(65)}@${a(250)}.com`,
  `${a(64)}@${a(64)}.com`, `${a(64)}@${a(63)}.${a(63)}.${a(63)}.${a(58)}.com`,
  'test1@invalid.co m', 'test12@invalid.co\u3000m', 'multiple..dots@stillinvalid.com',
  'test123+invalid! sub_address@gmail.com', 'gmail...ignores...dots...@gmail.com', 'ends.with.dot.@gmail.com',
  'wrong()[]",:;<>@@gmail.com', '"wrong()[]",:;<>@@gmail.com', 'username@domain.com\ufffd', 'username@domain.com©',
  'nbsp\u00a0test@test.com', 'nbsp_test@te\u00a0st.com', 'nbsp_test@test.co\u00a0m', '"foobar@gmail.com',
  '"foo"bar@gmail.com', 'foo"bar"@gmail.com',
  // what the issue names: display names, IP domains, TLDs, labels, quoting, UTF-8, case, whitespace
  'Some Name <foo@bar.com>', 'email@[123.123.123.123]', 'email@255.255.255.255', 'user@localhost',
  'user@example.c0m', 'user@example.xn--p1ai', 'user@example.XN--P1AI', 'user@example.xn-', 'user@exa-mple.com',
  'user@-example.com', 'user@example-.com', 'user@ex_ample.com', `user@${a(63)}.com`, `user@${a(64)}.com`,
  'user@example..com', 'user@.example.com', 'a@b.cd', 'a.b.c@d.ef', '.a@b.cd', 'a.@b.cd', '"@example.com',
  '""@example.com', '"a\\"b"@example.com', '"a"b"@example.com', '"a\\\nb"@example.com', '"a\\é"@example.com',
  'üñî@example.com', '😀@example.com', 'user@😀.com', 'user@example.😀', 'user@例え.テスト', 'Alice@Example.COM',
  '  alice@example.com  ', '\talice@example.com\n', '\ufeffalice@example.com', 'alice@example.com\u0085',
  'a@b@example.com', '"a@b"@example.com', 'user@example.com\u0000', 'us\u0000er@example.com', '',
  ' ', 'user@exam ple.com', `${a(64)}@${a(185)}.com`, `${'é'.repeat(32)}@example.com`, `${'é'.repeat(33)}@example.com`,
];

// A seeded generator keeps the file stable between runs.
let seed = 0x2545f491;
const rand = (n) => {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return ((seed >>> 0) % n);
};
const alphabet = [
  'a', 'b', 'Z', '0', '9', '.', '.', '@', '@', '"', '\\', '-', '_', '+', ' ', '\u00a0', '\t', 'é', 'ß', '😀',
  'ｇ', '\uff5f', '©', '!', '(', ',', '[', 'xn--', 'com', 'co', 'x', '\u2003', '\u3000', '\ufeff', 'İ', '\u0085',
];
const randomString = () => {
  let s = '';
  const len = 1 + rand(24);
  for (let i = 0; i < len; i++) s += alphabet[rand(alphabet.length)];
  return s;
};
const pick = (xs) => xs[rand(xs.length)];
const run = (xs, max) => Array.from({ length: 1 + rand(max) }, () => pick(xs)).join('');
const shaped = () => `${randomString()}@${randomString()}.${pick(['com', 'c', 'xn--9', 'é', 'co m'])}`;
// Mostly valid parts with an occasional odd character, so both outcomes are well represented.
const nearValid = () => {
  const odd = () => rand(8) === 0;
  const local = rand(6) === 0
    ? `"${run(['a', ' ', '\\"', '\\\\', '@', 'é', odd() ? '"' : 'b', odd() ? '\\\n' : 'c'], 6)}"`
    : run(['a', 'b', 'Z', '0', '.', '+', '-', '_', 'é', '~', odd() ? '😀' : 'x', odd() ? ' ' : 'y'], 10);
  const label = () => run(['a', 'z', '0', '-', 'é', odd() ? '😀' : 'q', odd() ? '_' : 'r', odd() ? 'ｇ' : 's'], 8);
  const labels = Array.from({ length: 1 + rand(3) }, label);
  const tld = odd() ? pick(['c', '123', 'xn-', 'co m']) : pick(['com', 'io', 'xn--p1ai', 'XN--80AK6AA92E', 'éé']);
  return `${local}@${labels.join('.')}.${tld}`;
};

const inputs = [...handPicked];
for (let i = 0; i < 1000; i++) inputs.push(randomString(), shaped(), nearValid());
const unique = [...new Set(inputs)];
const vectors = unique.map((input) => ({ input, valid: isEmail(input.trim()) }));
writeFileSync(
  new URL('./is_email.json', import.meta.url),
  `${JSON.stringify({ generator: `class-validator isEmail, validator ${validatorVersion}`, vectors }, null, 1)}\n`,
);
console.log(`${vectors.length} vectors, ${vectors.filter((v) => v.valid).length} valid`);
