// The oracle's node side holds to JupyterLab's behaviour: the cases of JupyterLab's own
// latex.spec.ts for removeMath/replaceMath (restated here), and what JupyterLab shows for the
// Markdown of issue 15. Run by `node --test tests/oracle/oracle.test.mjs`
// (tests/test_jupyter_oracle.py runs it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removeMath, replaceMath } from './mask_math.mjs';
import { JUPYTER_TEX, STOCK_TEX, splitTeX } from './find_tex.mjs';
import { markdownItems, terminalText } from './jupyter.mjs';
import { fragmentItems, pageItems } from './items.mjs';

const masks = (input, text, math) => assert.deepEqual(removeMath(input), { text, math });

test('removeMath takes math out and replaceMath puts it back', () => {
  masks('so $ /beta $, then', 'so @@0@@, then', ['$ /beta $']);
  masks('so $$\nx\n$$, then', 'so @@0@@, then', ['$$\nx\n$$']);
  const env = '\\begin{gather} \\end{gather}';
  masks(`so ${env}, then`, 'so @@0@@, then', [env]);
  const { text, math } = removeMath('so $ /beta $, then');
  assert.equal(replaceMath(text, math), 'so $ /beta $, then');
});

test('removeMath leaves code spans and fences alone', () => {
  masks('`$a` or `$b` as names', '`$a` or `$b` as names', []);
  const fenced = '```\nSome \\\\(text\n```\n';
  masks(fenced, fenced, []);
});

test('removeMath keeps marker look-alikes and counts braces', () => {
  masks(' @@0@@ and $ y $', ' @@0@@ and @@1@@', ['@@0@@', '$ y $']);
  masks('a $ x { $, b', 'a @@0@@, b', ['$ x { $']);
  masks('a $ x { } $, b', 'a @@0@@, b', ['$ x { } $']);
});

test('removeMath: doubled backslash delimiters, blank lines, entities', () => {
  const { text, math } = removeMath('so \\\\(\n  y\n\\\\), then');
  assert.equal(text, 'so @@0@@, then');
  assert.equal(replaceMath(text, math), 'so \\(\n  y\n\\), then');
  masks('a $b\n\nc$ d', 'a $b\n\nc$ d', []);
  masks('$a<b$', '@@0@@', ['$a&lt;b$']);
});

test('MathJax finds TeX by its own rules', () => {
  assert.deepEqual(splitTeX('a \\$ b $c$', JUPYTER_TEX), [
    { t: 'text', s: 'a ' },
    { t: 'text', s: '$' },
    { t: 'text', s: ' b ' },
    { t: 'math', display: false, tex: 'c' },
  ]);
  assert.deepEqual(splitTeX('$a$ \\(b\\) $$c$$', STOCK_TEX).filter(p => p.t === 'math'), [
    { t: 'math', display: false, tex: 'b' },
    { t: 'math', display: true, tex: 'c' },
  ]);
  const env = splitTeX('\\begin{align}x&=1\\end{align}', JUPYTER_TEX);
  assert.deepEqual(env, [{ t: 'math', display: true, tex: '\\begin{align}x&=1\\end{align}' }]);
});

test('JupyterLab shows issue 15 Markdown so', () => {
  assert.deepEqual(markdownItems('With $\\alpha=$0.5 the rate'), [
    ['text', 'With'], ['math', 'inline', '\\alpha='], ['text', '0.5 the rate'],
  ]);
  assert.deepEqual(markdownItems('As $|x|$ grows'), [
    ['text', 'As'], ['math', 'inline', '|x|'], ['text', 'grows'],
  ]);
  assert.deepEqual(markdownItems('a \\(k\\) b'), [['text', 'a (k) b']]);
  assert.deepEqual(markdownItems('`$x$` is code'), [['text', '$x$ is code']]);
});

test('HTML is read as a browser reads it', () => {
  // an unclosed <video> takes what follows in its container; <image> is an <img>
  assert.deepEqual(fragmentItems('<video src="v.mp4"><p>gone</p>', JUPYTER_TEX, s => s), [
    ['media', 'video v.mp4'],
  ]);
  assert.deepEqual(fragmentItems('<image src="m.png">', JUPYTER_TEX, s => s), [['img', 'm.png']]);
  const page =
    '<html><body><header>menu</header><article><h1>T</h1><p>x</p></article></body></html>';
  assert.deepEqual(pageItems(page, STOCK_TEX, s => s), [['text', 'T'], ['text', 'x']]);
});

test('stream text as a terminal shows it', () => {
  assert.equal(terminalText('10%\r50%\r100%\ndone'), '100%\ndone');
  assert.equal(terminalText('abcdef\rXY'), 'XYcdef');
  assert.equal(terminalText('ab\bc'), 'ac');
});
