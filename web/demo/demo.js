// The page's side of a capture: ask our own backend for a session, hand the token to the component,
// show what came back. A real site does the same with its backend calling POST /v1/sessions.
const capture = document.querySelector('liveness-capture');
const output = document.querySelector('#response');

async function newSession() {
  const response = await fetch('/demo/session', { method: 'POST' });
  if (!response.ok) throw new Error(`the demo backend answered ${response.status}`);
  capture.sessionToken = (await response.json()).sessionToken;
}

const show = (value) => {
  output.textContent = JSON.stringify(value, null, 2);
};
capture.addEventListener('result', (event) => {
  const { status, result } = event.detail;
  show({ status, liveFace: result.details?.liveFace, quality: result.quality?.status, summary: result.summary });
});
capture.addEventListener('error', (event) => show(event.detail.body ?? { reason: event.detail.reason, message: event.detail.message }));
capture.addEventListener('retake', () => void newSession().catch((error) => show({ error: error.message })));

newSession().catch((error) => show({ error: error.message }));
