// The ceiling: a bare node:http hello on the same loopback, so every figure can be read against what the machine
// and the load generator allow at all.
import http from 'node:http';

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"hello":"world"}');
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.HELLO_PORT ?? 0), '127.0.0.1', () => console.log(`hello listening on ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
