// A notebook's cells as JupyterLab 4 shows them, as items (items.mjs).
//
// Markdown: @jupyterlab/rendermime's renderMarkdown (removeMath, the Markdown parser,
// replaceMath, then the HTML is set on a node and typeset by MathJax), with the parser of
// @jupyterlab/markedparser-extension: marked with { gfm: true } and the extensions
// marked-gfm-heading-id and marked-mangle (versions: package.json, those of JupyterLab 4.6).
// Its code renderer only swaps in syntax highlighting, which leaves the text as it is.
//
// Outputs: the output area shows one MIME type per output, the one whose renderer ranks first
// (rendermime's standard factories, then the default extensions'), for a trusted notebook
// (the author's view). Consecutive stream outputs of one name are one text, '\r' and '\b'
// rewrite it as a terminal would, ANSI escapes are styles, not text.

import { createHash } from 'node:crypto';
import { Marked } from 'marked';
import { gfmHeadingId } from 'marked-gfm-heading-id';
import { mangle } from 'marked-mangle';
import { removeMath, replaceMath } from './mask_math.mjs';
import { JUPYTER_TEX } from './find_tex.mjs';
import { codeText, fragmentItems, typesetTextItems } from './items.mjs';

const marked = new Marked(gfmHeadingId(), mangle());
marked.setOptions({ gfm: true });

const WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';

/** Renderer ranks: @jupyterlab/rendermime's factories.ts, then default-on extensions. */
const RANKS = {
  [WIDGET_VIEW]: -10, // @jupyter-widgets/jupyterlab-manager
  'application/vnd.plotly.v1+json': 0, // jupyterlab-plotly
  'text/html': 50,
  'text/markdown': 60,
  'text/latex': 70,
  'image/svg+xml': 80,
  'image/bmp': 90,
  'image/png': 90,
  'image/jpeg': 90,
  'image/gif': 90,
  'image/webp': 90,
  'application/pdf': 100, // @jupyterlab/pdf-extension
  'text/javascript': 110,
  'application/javascript': 110,
  'text/plain': 120,
};

export function sha1(bytes) {
  return 'sha1:' + createHash('sha1').update(bytes).digest('hex');
}

const joined = value => (Array.isArray(value) ? value.join('') : value ?? '');

/** An image or media src as comparable identity: data URIs by their bytes' digest. */
export function dataSrc(src) {
  const m = /^data:([^,;]*)((?:;[^,;]*)*),(.*)$/s.exec(src);
  if (!m) return src;
  const bytes = m[2].includes(';base64')
    ? Buffer.from(m[3], 'base64')
    : Buffer.from(decodeURIComponent(m[3]), 'utf8');
  return sha1(bytes);
}

function imageBytes(mime, data) {
  const text = joined(data);
  return mime === 'image/svg+xml' ? Buffer.from(text, 'utf8') : Buffer.from(text, 'base64');
}

/** MIME types of @jupyterlab/rendermime's image renderer (the only ones attachments show). */
const IMAGE_TYPES = ['image/bmp', 'image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/**
 * An attachment as @jupyterlab/attachments' AttachmentsResolver shows it: the bundle's first
 * MIME type only, and only an image type (else the image is broken).
 */
function attachmentSrc(src, attachments) {
  const name = decodeURIComponent(src.slice('attachment:'.length));
  const bundle = attachments[name];
  if (!bundle) return src;
  const mime = Object.keys(bundle)[0];
  return IMAGE_TYPES.includes(mime) ? sha1(imageBytes(mime, bundle[mime])) : `broken ${src}`;
}

/** JupyterLab's renderMarkdown, as items. */
export function markdownItems(source, attachments = {}) {
  const { text, math } = removeMath(source);
  const html = replaceMath(marked.parse(text), math);
  const src = s => (s.startsWith('attachment:') ? attachmentSrc(s, attachments) : dataSrc(s));
  return fragmentItems(html, JUPYTER_TEX, src);
}

const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** A terminal's view of stream text: '\r' returns to the line start, '\b' steps back. */
export function terminalText(text) {
  const lines = [];
  for (const raw of text.replace(/\r\n/g, '\n').split('\n')) {
    let line = [];
    let col = 0;
    for (const ch of raw) {
      if (ch === '\r') col = 0;
      else if (ch === '\b') col = Math.max(0, col - 1);
      else {
        line[col] = ch;
        col++;
      }
    }
    lines.push(line.join(''));
  }
  return lines.join('\n');
}

function mergeStreams(outputs) {
  const merged = [];
  for (const out of outputs) {
    const last = merged[merged.length - 1];
    if (out.output_type === 'stream' && last?.output_type === 'stream' && last.name === out.name) {
      last.text += joined(out.text);
    } else if (out.output_type === 'stream') {
      merged.push({ ...out, text: joined(out.text) });
    } else {
      merged.push(out);
    }
  }
  return merged;
}

/** The MIME type shown: the best ranked; a widget view only if its state was saved. */
function chosenMime(data, widgets) {
  const drawable = m => m !== WIDGET_VIEW || widgets.has(data[m]?.model_id);
  const mimes = Object.keys(data).filter(m => m in RANKS && drawable(m));
  mimes.sort((a, b) => RANKS[a] - RANKS[b]);
  return mimes[0];
}

function outputItems(out, widgets, asis) {
  if (asis && out.output_type === 'stream') return markdownItems(out.text);
  if (out.output_type === 'stream') {
    const text = codeText(terminalText(out.text.replace(ANSI, '')));
    return text ? [['code', text]] : [];
  }
  if (out.output_type === 'error') {
    // outputmodel.ts: the traceback, or "ename: evalue" when it is empty
    const traceback = (out.traceback || []).join('\n') || `${out.ename}: ${out.evalue}`;
    const text = codeText(traceback.replace(ANSI, ''));
    return text ? [['code', text]] : [];
  }
  const data = out.data || {};
  const mime = chosenMime(data, widgets);
  if (!mime) return [];
  const value = mime.endsWith('json') ? data[mime] : joined(data[mime]);
  switch (mime) {
    case WIDGET_VIEW:
      return [['widget', value.model_id]];
    case 'application/vnd.plotly.v1+json':
      return [['widget', 'plotly']];
    case 'text/html':
      return fragmentItems(value, JUPYTER_TEX, dataSrc);
    case 'text/markdown':
      return markdownItems(value);
    case 'text/latex': {
      const items = typesetTextItems(value, JUPYTER_TEX);
      // A formula alone in its output is a display of its own, whatever its delimiters.
      const alone = items.length === 1 && items[0][0] === 'math';
      return alone ? [['math', 'display', items[0][2]]] : items;
    }
    case 'text/javascript':
    case 'application/javascript':
      return []; // runs; what it draws is not known here
    case 'application/pdf':
      return [['media', 'pdf ' + sha1(Buffer.from(value, 'base64'))]];
    case 'text/plain': {
      if (asis) return markdownItems(value);
      const text = codeText(value.replace(ANSI, ''));
      return text ? [['code', text]] : [];
    }
    default:
      return [['img', sha1(imageBytes(mime, data[mime]))]];
  }
}

/**
 * Items of one cell as the oracle's request gives it (visibility already applied):
 * {index, type, source, input, outputs, attachments, format, asis}. ``asis``: Quarto's
 * ``#| output: asis``, text outputs meant as Markdown (as Quarto and the post show them).
 */
export function cellItems(cell, widgets) {
  if (cell.type === 'markdown') return markdownItems(cell.source, cell.attachments);
  if (cell.type === 'raw') {
    if (cell.format === 'html') return fragmentItems(cell.source, JUPYTER_TEX, dataSrc);
    return markdownItems(cell.source);
  }
  const items = [];
  const code = cell.input ? codeText(cell.source) : '';
  if (code) items.push(['code', code]);
  for (const out of mergeStreams(cell.outputs || [])) {
    items.push(...outputItems(out, widgets, cell.asis));
  }
  return items;
}
