// Where MathJax 3 finds TeX in a string of page text: the rules of its FindTeX
// (mathjax-full ts/input/tex/FindTeX.ts, Apache-2.0), written again for the test oracle.
//
// - Opening delimiters are tried longest first; `\begin{name}` opens an environment and
//   `\$` / `\\` are escapes (a literal `$` / `\`); `\ref{..}` and `\eqref{..}` are math.
// - A closer counts only outside braces: `{`, `}` and any backslash pair (`\x`) are skipped
//   while looking for it. An opener that is never closed is text, and the search goes on
//   right after it.

/** JupyterLab 4's MathJax options (packages/mathjax-extension/src/index.ts). */
export const JUPYTER_TEX = {
  inlineMath: [['$', '$'], ['\\(', '\\)']],
  displayMath: [['$$', '$$'], ['\\[', '\\]']],
};

/** MathJax 3's defaults, as loaded by a stock page (`tex-mml-chtml.js` with no options). */
export const STOCK_TEX = {
  inlineMath: [['\\(', '\\)']],
  displayMath: [['$$', '$$'], ['\\[', '\\]']],
};

const quote = s => s.replace(/([\^$(){}+*?\-|[\]:\\])/g, '\\$1');
const byLength = (a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0);
const closerPattern = close => new RegExp(`${close}|\\\\(?:[a-zA-Z]|.)|[{}]`, 'g');

function compile(config) {
  const closers = {};
  const opens = [];
  for (const [display, pairs] of [[false, config.inlineMath], [true, config.displayMath]]) {
    for (const [open, close] of pairs) {
      opens.push(quote(open));
      closers[open] = { close, display, pattern: closerPattern(quote(close)) };
    }
  }
  const start = new RegExp(
    [
      opens.sort(byLength).join('|'),
      '\\\\begin\\s*\\{([^}]*)\\}', // group 1: environment name
      '(\\\\([\\\\$])|(\\\\(?:eq)?ref\\s*\\{[^}]*\\}))', // group 2: escape or reference
    ].join('|'),
    'g'
  );
  return { start, closers };
}

const compiled = new Map();

function closeAt(text, from, close, pattern) {
  pattern.lastIndex = from;
  let depth = 0;
  let m;
  while ((m = pattern.exec(text))) {
    if ((m[1] || m[0]) === close && depth === 0) {
      return { inner: text.slice(from, m.index), end: m.index + m[0].length, closeText: m[0] };
    }
    if (m[0] === '{') depth++;
    else if (m[0] === '}' && depth) depth--;
  }
  return null;
}

/**
 * Split one MathJax string into pieces: {t: 'text', s} and {t: 'math', display, tex}.
 * `tex` is what MathJax typesets (an environment keeps its \begin and \end).
 */
export function splitTeX(text, config) {
  if (!compiled.has(config)) compiled.set(config, compile(config));
  const { start, closers } = compiled.get(config);
  const pieces = [];
  let done = 0; // text before this index is already in pieces
  const textUpTo = i => {
    if (i > done) pieces.push({ t: 'text', s: text.slice(done, i) });
  };
  start.lastIndex = 0;
  let m;
  while ((m = start.exec(text))) {
    let found = null;
    if (m[1] !== undefined) {
      const env = m[1];
      const close = `{${env}}`;
      const pattern = closerPattern(`\\\\end\\s*(\\{${quote(env)}\\})`);
      const hit = closeAt(text, m.index + m[0].length, close, pattern);
      if (hit) found = { display: true, tex: m[0] + hit.inner + hit.closeText, end: hit.end };
    } else if (m[2] !== undefined) {
      if (m[3] !== undefined) {
        textUpTo(m.index);
        pieces.push({ t: 'text', s: m[3] });
        done = m.index + m[0].length;
        continue;
      }
      found = { display: false, tex: m[4], end: m.index + m[0].length };
    } else {
      const { close, display, pattern } = closers[m[0]];
      const hit = closeAt(text, m.index + m[0].length, close, pattern);
      if (hit) found = { display, tex: hit.inner, end: hit.end };
    }
    if (found) {
      textUpTo(m.index);
      pieces.push({ t: 'math', display: found.display, tex: found.tex });
      done = found.end;
      start.lastIndex = found.end;
    }
  }
  textUpTo(text.length);
  return pieces;
}
