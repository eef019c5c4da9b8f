// What a reader sees in a piece of HTML, as a flat list of comparable items:
//   ['text', s]   a run of visible text (white space collapsed), cut at block boundaries and
//                 at formulas; ['cell', s] the same inside a table cell
//   ['math', 'inline'|'display', tex]   a formula as MathJax finds it (see find_tex.mjs)
//   ['code', s]   the text of a <pre> (code, text outputs)
//   ['img', src]  an image; ['media', 'video ' + src] video, audio, iframe, embed, object
//   ['widget', model id]   an ipywidgets view (the page embeds it with a script tag);
//                 ['widget', 'plotly'] a plotly figure
// The HTML is parsed by parse5, the HTML5 algorithm browsers use, so a tag left open or a
// non-standard tag (<image>) means here what it means in the browser.
//
// MathJax builds its strings from runs of adjacent text nodes (any element other than <br>,
// <wbr> or a comment ends one: handlers/html/HTMLDomStrings.ts) and never looks inside
// script, noscript, style, textarea, pre, code, or elements of class mathjax_ignore.

import { parse, parseFragment } from 'parse5';
import { splitTeX } from './find_tex.mjs';

const BLOCK = new Set(
  ('address article aside blockquote body caption center dd details dialog div dl dt fieldset ' +
    'figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol p ' +
    'section table tbody td tfoot th thead tr ul').split(' ')
);
/** Not shown: their content is no text of the page (summary: a toggle's label). */
const HIDDEN = new Set('head script style template noscript title summary'.split(' '));
/** Shown as one thing; their children are fallback content a browser does not show. */
const MEDIA = new Set('video audio iframe embed object canvas'.split(' '));
const NO_MATH = new Set('textarea pre code annotation annotation-xml'.split(' '));
const WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';

/**
 * The text of a code block as compared: no blank lines before it (a Markdown code block
 * cannot start with one), no white space after it.
 */
export const codeText = text => text.replace(/^(?:[ \t]*\n)+/, '').replace(/\s+$/, '');

const attr = (node, name) => (node.attrs || []).find(a => a.name === name)?.value;

/**
 * What pandockit puts above a post that the notebook has no cell for (its top step: kramdown's
 * TOC of the post's headings, the GitHub/Colab/Binder badges): not compared with Jupyter.
 */
const isTop = node =>
  attr(node, 'id') === 'markdown-toc' ||
  (attr(node, 'class') || '').split(/\s+/).includes('pandockit-badges');

class Reader {
  constructor(texConfig, src) {
    this.tex = texConfig;
    this.src = src; // maps an image or media src to its identity
    this.items = [];
    this.block = []; // pieces of the current block: {t:'text', s} | {t:'math', ...}
    this.string = ''; // MathJax's current string
    this.cells = 0; // depth of table cells
  }

  endString() {
    if (this.string) this.block.push(...splitTeX(this.string, this.tex));
    this.string = '';
  }

  endBlock() {
    this.endString();
    let text = '';
    const flush = () => {
      const s = text.replace(/\s+/g, ' ').trim();
      if (s) this.items.push([this.cells ? 'cell' : 'text', s]);
      text = '';
    };
    for (const piece of this.block) {
      if (piece.t === 'text') {
        text += piece.s;
      } else {
        flush();
        this.items.push(['math', piece.display ? 'display' : 'inline', piece.tex.trim()]);
      }
    }
    flush();
    this.block = [];
  }

  text(value, math) {
    if (math) {
      this.string += value;
    } else {
      this.endString();
      this.block.push({ t: 'text', s: value });
    }
  }

  walk(node, math) {
    for (const child of node.childNodes || []) {
      const name = child.nodeName;
      if (name === '#text') {
        this.text(child.value, math);
      } else if (name === '#comment' || name === 'wbr' || name === '#documentType') {
        continue;
      } else if (name === 'br') {
        this.text('\n', math);
      } else if (child.tagName) {
        this.element(child, math);
      }
    }
  }

  element(node, math) {
    const name = node.tagName;
    if (name === 'script' && attr(node, 'type') === WIDGET_VIEW) {
      this.endBlock();
      const text = node.childNodes.map(c => c.value || '').join('');
      let id = '?';
      try {
        id = JSON.parse(text).model_id;
      } catch {
        // a broken view shows nothing; '?' stands for it
      }
      this.items.push(['widget', id]);
      return;
    }
    if (/(^|\s)plotly-graph-div(\s|$)/.test(attr(node, 'class') || '')) {
      this.endBlock();
      this.items.push(['widget', 'plotly']); // drawn by plotly.js from the script after it
      return;
    }
    if (HIDDEN.has(name) || isTop(node)) {
      this.endString();
      return;
    }
    if (name === 'img') {
      this.endBlock();
      this.items.push(['img', this.src(attr(node, 'src') || '')]);
      return;
    }
    if (MEDIA.has(name)) {
      this.endBlock();
      const source = (node.childNodes || []).find(c => c.tagName === 'source');
      const src = attr(node, 'src') || attr(node, 'data') || (source && attr(source, 'src'));
      this.items.push(['media', `${name} ${src ? this.src(src) : ''}`.trim()]);
      return;
    }
    if (name === 'pre') {
      this.endBlock();
      const code = codeText(textContent(node));
      if (code) this.items.push(['code', code]);
      return;
    }
    const ignored = /(^|\s)(mathjax_ignore|tex2jax_ignore)(\s|$)/.test(attr(node, 'class') || '');
    const inner = math && !NO_MATH.has(name) && !ignored;
    const block = BLOCK.has(name);
    const cell = name === 'td' || name === 'th';
    if (block) this.endBlock();
    else this.endString();
    if (cell) this.cells++;
    this.walk(name === 'template' ? node.content : node, inner);
    if (block) this.endBlock();
    else this.endString();
    if (cell) this.cells--;
  }
}

function textContent(node) {
  if (node.nodeName === '#text') return node.value;
  if (node.nodeName === 'br') return '\n';
  return (node.childNodes || []).map(textContent).join('');
}

/** Items of an HTML fragment (as set with innerHTML on a <div>). */
export function fragmentItems(html, texConfig, src) {
  const reader = new Reader(texConfig, src);
  reader.walk(parseFragment(html), true);
  reader.endBlock();
  return reader.items;
}

/** Items of text shown as is (textContent) and then typeset: JupyterLab's text/latex. */
export function typesetTextItems(text, texConfig) {
  const reader = new Reader(texConfig, s => s);
  reader.text(text, true);
  reader.endBlock();
  return reader.items;
}

/** Items of a built page's post: the title heading, then the body, in <article>. */
export function pageItems(html, texConfig, src) {
  const doc = parse(html);
  const article = find(doc, n => n.tagName === 'article');
  const reader = new Reader(texConfig, src);
  reader.walk(article || doc, true);
  reader.endBlock();
  return reader.items;
}

function find(node, test) {
  if (test(node)) return node;
  for (const child of node.childNodes || []) {
    const hit = find(child, test);
    if (hit) return hit;
  }
  return null;
}
