// JupyterLab's math masking for Markdown: the TeX is taken out before marked parses the text
// and put back into marked's HTML afterwards, so that Markdown never touches it.
//
// Behaviour follows `removeMath`, `replaceMath` and `processMath` of JupyterLab 4,
// packages/rendermime/src/latex.ts (BSD-3-Clause, Jupyter Development Team; that file credits
// Davide Cervone's MathJax code and StackExchange). Written again here for the test oracle;
// the rules it keeps, in order:
//
// 1. If the text has a backtick or `~~~`, every `~` becomes `~T` and every `$` inside a fenced
//    code block or a one-line code span becomes `~D`, so code never opens math; both marks are
//    turned back at the end (in the text and in each stored formula).
// 2. CRLF and CR become LF; the text is split on the tokens of SPLIT (kept at odd indices).
// 3. Outside math, `$`, `$$`, `\\(`, `\\[` (two backslashes: one is Markdown's escape) and
//    `\begin{name}` open math; each waits for its own closer (`$`, `$$`, `\\)`, `\\]`,
//    `\end{name}`). `{`/`}` tokens are counted inside math: a closer met while braces are open
//    only records where the math could end. A token holding two line breaks (a blank line)
//    abandons the math, unless a closer was recorded, then the math ends there.
// 4. A stored formula is the joined tokens, `&`, `<`, `>` written as entities; its place in the
//    text becomes `@@n@@`. Text that already looks like `@@n@@` is stored as is.
// 5. replaceMath puts each formula back; `\\(..\\)` and `\\[..\\]` lose one backslash at
//    each end so MathJax sees `\(..\)` and `\[..\]`.

const SPLIT =
  /(\$\$?|\\(?:begin|end)\{[a-z]*\*?\}|\\[{}$]|[{}]|(?:\n\s*)+|@@\d+@@|\\\\(?:\(|\)|\[|\]))/i;

const CLOSERS = { '\\\\(': '\\\\)', '\\\\[': '\\\\]' };

function protectCode(text) {
  if (!text.includes('`') && !text.includes('~~~')) {
    return [text, s => s];
  }
  const dollarsOut = chunk => chunk.replace(/\$/g, '~D');
  const masked = text
    .replace(/~/g, '~T')
    .replace(/^(?<fence>`{3,}|(~T){3,})[^`\n]*\n([\s\S]*?)^\k<fence>`*$/gm, dollarsOut)
    .replace(/(^|[^\\])(`+)([^\n]*?[^`\n])\2(?!`)/gm, dollarsOut);
  const restore = s => s.replace(/~([TD])/g, (_, mark) => (mark === 'T' ? '~' : '$'));
  return [masked, restore];
}

function entities(tex) {
  return tex.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Split `source` into Markdown with `@@n@@` placeholders and the list of formulas. */
export function removeMath(source) {
  const math = [];
  const [text, restore] = protectCode(source);
  const parts = text.replace(/\r\n?/g, '\n').split(SPLIT);

  const store = (from, to) => {
    const tex = entities(parts.slice(from, to + 1).join(''));
    for (let k = from + 1; k <= to; k++) parts[k] = '';
    parts[from] = `@@${math.length}@@`;
    math.push(restore(tex));
  };

  let opened = null; // index of the opening token, when inside math
  let closer = null; // the token that closes it
  let lastCloser = null; // a closer seen while braces were open
  let depth = 0;
  for (let i = 1; i < parts.length; i += 2) {
    const token = parts[i];
    if (token.startsWith('@')) {
      parts[i] = `@@${math.length}@@`;
      math.push(token);
    } else if (opened === null) {
      if (token === '$' || token === '$$') {
        [opened, closer, depth] = [i, token, 0];
      } else if (token in CLOSERS) {
        [opened, closer, depth] = [i, CLOSERS[token], 0];
      } else if (token.slice(1, 6) === 'begin') {
        [opened, closer, depth] = [i, '\\end' + token.slice(6), 0];
      }
    } else if (token === closer) {
      if (depth) {
        lastCloser = i;
      } else {
        store(opened, i);
        opened = closer = lastCloser = null;
      }
    } else if (/\n.*\n/.test(token)) {
      if (lastCloser !== null) {
        i = lastCloser;
        store(opened, i);
      }
      opened = closer = lastCloser = null;
      depth = 0;
    } else if (token === '{') {
      depth++;
    } else if (token === '}' && depth) {
      depth--;
    }
  }
  if (opened !== null && lastCloser !== null) {
    store(opened, lastCloser);
  }
  return { text: restore(parts.join('')), math };
}

/** Put the formulas of `removeMath` back into the HTML marked made of its text. */
export function replaceMath(html, math) {
  return html.replace(/@@(\d+)@@/g, (_, n) => {
    const tex = math[n];
    for (const open of Object.keys(CLOSERS)) {
      if (tex.startsWith(open) && tex.endsWith(CLOSERS[open])) {
        return open.slice(1) + tex.slice(3, -3) + CLOSERS[open].slice(1);
      }
    }
    return tex;
  });
}
