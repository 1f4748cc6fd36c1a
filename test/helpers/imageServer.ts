import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { createServer, type Server } from 'node:https';
import selfsigned from 'selfsigned';

/**
 * A real HTTPS server on 127.0.0.1 with a self-signed certificate made here (names `images.test`,
 * `localhost`, 127.0.0.1), serving the cases an image URL can present: an image, redirects, too
 * large, slow, not an image. Plus a TCP port that accepts and never speaks TLS (connect timeout).
 */
export interface ImageServer {
  readonly port: number;
  readonly ca: string;
  /** `https://127.0.0.1:<port><path>` */
  url(path: string, host?: string): string;
  /** A port that accepts TCP connections and never completes a TLS handshake. */
  readonly silentPort: number;
  close(): Promise<void>;
}

export async function startImageServer(image: Buffer): Promise<ImageServer> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'images.test' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'images.test' }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  let port = 0;
  const url = (path: string, host = '127.0.0.1') => `https://${host}:${port}${path}`;
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const path = req.url ?? '/';
    const hop = /^\/redirect\/(\d+)$/.exec(path);
    if (path === '/face.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': image.length });
      res.end(image);
    } else if (hop) {
      const n = Number(hop[1]);
      res.writeHead(302, { location: n <= 1 ? '/face.jpg' : `/redirect/${n - 1}` });
      res.end();
    } else if (path === '/to-metadata') {
      res.writeHead(302, { location: 'https://169.254.169.254/latest/meta-data/' });
      res.end();
    } else if (path === '/to-localhost') {
      res.writeHead(301, { location: `https://localhost:${port}/face.jpg` });
      res.end();
    } else if (path === '/to-http') {
      res.writeHead(307, { location: `http://127.0.0.1:${port}/face.jpg` });
      res.end();
    } else if (path === '/big-declared') {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': 50 * 1024 * 1024 });
      res.write(image.subarray(0, 1024));
      // never finishes: the client must stop on the declared length alone
    } else if (path === '/big-streamed') {
      res.writeHead(200, { 'content-type': 'image/jpeg' }); // chunked, no length
      const chunk = Buffer.alloc(64 * 1024, 0xff);
      let sent = 0;
      const pump = () => {
        while (sent < 50 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 50 * 1024 * 1024) res.once('drain', pump);
        else res.end();
      };
      res.on('close', () => (sent = Number.POSITIVE_INFINITY));
      pump();
    } else if (path === '/slow') {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.write(image.subarray(0, 16)); // then silence until the client gives up
    } else if (path === '/page.html') {
      res.writeHead(200, { 'content-type': 'image/jpeg' }); // lies about its type: the bytes decide
      res.end('<html><body>not an image</body></html>');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  port = (server.address() as AddressInfo).port;

  const sockets = new Set<Socket>();
  const silent: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', () => done()));

  return {
    port,
    ca: pems.cert,
    url,
    silentPort: (silent.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((d) => server.close(d)), new Promise((d) => silent.close(d))]);
    },
  };
}
