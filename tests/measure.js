// Runs in a page once its scripts are done (tests/browser.py): what a reader sees, measured.
// MathJax 3 or 2 is waited for; text in code and typeset math is replaced by markers.
(async () => {
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) { await mj.startup.promise; }
  else if (mj && mj.Hub) { await new Promise(r => mj.Hub.Queue(r)); }
  const body = document.body;
  const hidden = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE']);
  function visible(node, out) {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) { out.push(child.textContent); continue; }
      if (child.nodeType !== 1 || hidden.has(child.tagName.toUpperCase())) continue;
      // not drawn (display: none, detached, hidden SVG text a plot keeps for itself)
      if (child.getClientRects().length === 0 && child.tagName.toUpperCase() !== 'DETAILS') continue;
      const style = getComputedStyle(child);
      if (style.visibility === 'hidden' || style.opacity === '0') continue;
      if (child.tagName === 'MJX-CONTAINER' || child.classList.contains('MathJax_SVG') ||
          child.classList.contains('MathJax_SVG_Display') || child.classList.contains('MathJax') ||
          child.id && child.id.startsWith('MathJax-Element')) { out.push('\u2983MATH\u2984'); continue; }
      if (child.tagName === 'PRE' || child.tagName === 'CODE') { out.push('\u2983CODE\u2984'); continue; }
      visible(child, out);
    }
    return out;
  }
  const style = sel => { const e = document.querySelector(sel); if (!e) return null;
    const s = getComputedStyle(e);
    return {background: s.backgroundColor, borderLeft: s.borderLeftColor,
            borderLeftWidth: s.borderLeftWidth}; };
  const scripts = [...document.querySelectorAll('script[src]')].map(s => s.src);
  // a formula an ipywidget shows (its saved state, typeset by the html-manager), not the post's
  const inWidget = n => !!(n && (n.nodeType === 1 ? n : n.parentElement) &&
    (n.nodeType === 1 ? n : n.parentElement).closest('.widget-subarea'));
  let typeset = null;
  if (mj && mj.startup && mj.startup.document) {  // MathJax 3
    typeset = Array.from(mj.startup.document.math)
      .filter(m => m.start.delim !== '')  // an escaped \$ is an item with no delimiter
      .map(m => ({tex: m.math, display: m.display, widget: inWidget(m.start.node)}));
  } else if (mj && mj.Hub) {  // MathJax 2: its element jax, one per formula of the page
    typeset = mj.Hub.getAllJax().map(j => ({tex: j.originalText,
                                            display: j.root.Get('display') === 'block',
                                            widget: inWidget(j.SourceElement())}));
  }
  return {
    typeset: typeset,
    version: mj ? (mj.version || (mj.fileversion) || '') : null,
    formulas: document.querySelectorAll('mjx-container, .MathJax_SVG, .MathJax_SVG_Display, .MathJax_CHTML, .MathJax').length,
    errors: document.querySelectorAll('mjx-merror, .MathJax_Error, [data-mjx-error]').length
            + [...document.querySelectorAll('.MathJax_SVG, .MathJax_CHTML')].filter(e => e.textContent.includes('Undefined control sequence')).length,
    text: visible(body, []).join(''),
    stderr: style('.pandockit-output.stderr pre, pre.pandockit-output.stderr'),
    error: style('.pandockit-output.error pre, pre.pandockit-output.error'),
    output: style('.pandockit-output:not(.stderr):not(.error) pre'),
    code: style('div.highlighter-rouge pre, pre.highlight'),
    scripts: scripts,
    details: document.querySelectorAll('details').length,
    plotDivs: document.querySelectorAll('.plotly-graph-div').length,
    plots: [...document.querySelectorAll('.plotly-graph-div')]
      .filter(d => d.querySelector('.main-svg')).length,
    images: [...document.querySelectorAll('img')].map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0})),
  };
})
