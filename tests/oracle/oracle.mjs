// The Jupyter oracle's node side: reads one JSON request on stdin, prints one JSON answer.
//
// Request: {"notebooks": [{"key", "cells": [cell...], "widgets": [model id...], "page": html}]}
//   each cell as jupyter.mjs's cellItems takes it; "page": the HTML Jekyll built for the post.
// Answer:  {"notebooks": [{"key", "jupyter": [[cell index, ...item]...], "page": [item...]}]}
//   items as items.mjs describes them; image srcs of the page other than data: URIs are left
//   for the caller to resolve (files of the site).

import { readFileSync } from 'node:fs';
import { cellItems, dataSrc } from './jupyter.mjs';
import { STOCK_TEX } from './find_tex.mjs';
import { pageItems } from './items.mjs';

function answer(notebook) {
  const widgets = new Set(notebook.widgets || []);
  const jupyter = [];
  for (const cell of notebook.cells) {
    for (const item of cellItems(cell, widgets)) jupyter.push([cell.index, ...item]);
  }
  const page = notebook.page == null ? null : pageItems(notebook.page, STOCK_TEX, dataSrc);
  return { key: notebook.key, jupyter, page };
}

const request = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify({ notebooks: request.notebooks.map(answer) }));
