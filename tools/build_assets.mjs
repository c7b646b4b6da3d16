// Bundle every web/static/src/<name>/index.js into web/static/build/<name>/ with esbuild
// (JS and the CSS it imports, fonts as files). Run by ./dev at set-up; nothing built is
// committed (build/ is in .gitignore).
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const SRC = 'web/static/src';

// The Content-Security-Policy forbids inline style attributes; a few library templates
// carry some. In SVG icons they become presentation attributes (same look); the HTML ones
// are dropped and web/static/modeler.css gives those elements the same style.
const INLINE_STYLES = /(bpmn-js\/lib\/features\/(align|distribute)-elements\/\w+Icons|bpmn-js-properties-panel\/dist\/index\.esm|dmn-js-shared\/lib\/util\/PoweredByUtil|dmn-js-decision-table\/lib\/features\/drag-and-drop\/DragAndDrop)\.js$/;

function attributes(style) {
  return style.split(';').map((rule) => rule.split(':').map((part) => part.trim()))
    .filter(([name, value]) => /^[a-z-]+$/.test(name || '') && value)
    .map(([name, value]) => `${name}="${value.replace(/"/g, '')}"`).join(' ');
}

const noInlineStyles = {
  name: 'no-inline-styles',
  setup(build) {
    build.onLoad({ filter: INLINE_STYLES }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      // ' style="…"' in a template, or "'style=\"…\"'" starting a concatenated piece of one
      return { contents: text.replace(/(\s|')style="([^"]*)"/g,
        (_, before, style) => `${before}${attributes(style)}`), loader: 'js' };
    });
  },
};
const OUT = 'web/static/build';
const entries = readdirSync(SRC, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(SRC, d.name, 'index.js')))
  .map((d) => d.name);

for (const name of entries) {
  await build({
    entryPoints: [join(SRC, name, 'index.js')],
    outdir: join(OUT, name),
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'iife',
    target: ['es2020'],
    legalComments: 'linked',
    logLevel: 'warning',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [noInlineStyles],
  });
  console.log(`built ${OUT}/${name}`);
}
