// A static file server for one folder, on 127.0.0.1 only: what the
// calculator needs to be opened in a browser (ES modules and WebAssembly do
// not load from file://). Used by scripts/calculator and by the browser
// test. No dependencies.
//
// usage: node serve.js DIR [PORT]     (PORT 0 or absent: any free port)
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.vcf': 'text/plain; charset=utf-8',
};

/** Starts serving `dir`; resolves to the listening server. */
function serveDir(dir, port = 0, log = () => {}) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.resolve(root, `.${rel}`);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.stat(file, (err, st) => {
      log(req.method, rel, err ? 404 : 200);
      if (err || !st.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
        'content-length': st.size,
        'cache-control': 'no-cache',
      });
      fs.createReadStream(file).pipe(res);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

module.exports = { serveDir };

if (require.main === module) {
  const [dir, port] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node serve.js DIR [PORT]');
    process.exit(2);
  }
  serveDir(dir, Number(port || 0)).then((server) => {
    const { port: p } = server.address();
    console.log(`serving ${path.resolve(dir)} at http://127.0.0.1:${p}/ (Ctrl-C stops)`);
  }, (e) => {
    console.error(`cannot serve: ${e.message}`);
    process.exit(1);
  });
}
