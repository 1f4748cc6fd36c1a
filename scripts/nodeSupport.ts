/**
 * Preloaded by `npm start` and `npm run keys` (node --import): the AWS SDK warns on Node < 22 about
 * its releases after January 2027, on stderr, before our output (burying a printed key). The locked
 * SDK runs on Node 20.19, as `engines` says; we say it once, after our own output, instead.
 */
const major = Number(process.versions.node.split('.')[0]);

export const NODE_SUPPORT_NOTICE =
  major < 22
    ? `note: Node ${process.versions.node} is supported with the locked AWS SDK; its releases after January 2027 need Node >= 22 (use Node 22 LTS for new installs).`
    : undefined;

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Short commands (npm run keys) say it after their output; `npm start` prints it in its banner.
if (NODE_SUPPORT_NOTICE && process.argv.some((a) => a.endsWith('keys.ts'))) {
  process.once('exit', () => console.error(NODE_SUPPORT_NOTICE));
}
