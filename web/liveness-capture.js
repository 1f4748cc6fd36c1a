// <liveness-capture>: camera preview with a face guide, on-device framing hints (the server's face
// detector through onnxruntime-web), a burst of 1-8 frames once the framing is right, sent with a
// capture session token to POST /v1/checkLiveness. No framework, no build step. Images stay in memory
// only for the request (no storage of any kind); the token is kept in a private field, never logged.
import { FaceDetector } from './face-detector.js';
import { framingHint } from './framing-hints.js';
import { loadIlluminationCriteria } from './illumination.js';

/** Consecutive "ok" detections before capturing: the face has to hold still for a moment. */
const STEADY_DETECTIONS = 3;
/**
 * After this long framing, "Take the photo now" works whatever the hint: the hints are advice, and
 * the server decides. Nobody is locked out by an on-device judgement (lighting, a missed face).
 */
export const UNLOCK_AFTER_MS = 4000;
/** Spacing of the frames of one burst. */
const FRAME_GAP_MS = 150;
const MAX_FRAMES = 8;

const OUTCOME_TEXT = {
  pass: 'Done: a live face was confirmed.',
  manualReview: 'Thank you: your check will be reviewed.',
  fail: 'That did not work.',
};

const template = document.createElement('template');
template.innerHTML = `
<style>
  :host { display: block; max-width: 480px; margin: 0 auto; font: 16px/1.4 system-ui, sans-serif; color: #111; }
  :host([hidden]) { display: none; }
  .frame { position: relative; aspect-ratio: 3 / 4; background: #222; border-radius: 12px; overflow: hidden; }
  @media (min-aspect-ratio: 1/1) { .frame { aspect-ratio: 4 / 3; } }
  video { width: 100%; height: 100%; object-fit: cover; transform: scaleX(-1); }
  .guide { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; }
  .guide ellipse { fill: none; stroke: #fff; stroke-width: 0.8; stroke-dasharray: 2 1.5; opacity: 0.9; }
  :host([data-hint="ok"]) .guide ellipse { stroke: #2ecc71; stroke-dasharray: none; stroke-width: 1.2; }
  .hint { margin: 0.75rem 0 0.5rem; min-height: 1.4em; font-weight: 600; text-align: center; }
  .actions { display: flex; gap: 0.5rem; justify-content: center; flex-wrap: wrap; }
  button { font: inherit; padding: 0.7rem 1.2rem; min-height: 44px; border-radius: 8px; border: 2px solid #1b4fd8; background: #1b4fd8; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #1b4fd8; }
  button:disabled { opacity: 0.5; cursor: default; }
  button:focus-visible { outline: 3px solid #f5a623; outline-offset: 3px; }
  .outcome { margin-top: 0.75rem; padding: 0.75rem; border-radius: 8px; background: #f3f4f6; text-align: center; }
  .outcome[data-action="pass"] { background: #e7f7ee; }
  .outcome[data-action="fail"], .outcome[data-action="error"] { background: #fdecec; }
  [hidden] { display: none !important; }
</style>
<div class="frame" part="frame">
  <video part="video" playsinline muted aria-label="Camera preview of your face"></video>
  <svg class="guide" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true"><ellipse cx="50" cy="47" rx="24" ry="30"></ellipse></svg>
</div>
<p class="hint" part="hint" role="status" aria-live="polite">Press “Start camera” to begin.</p>
<div class="actions">
  <button type="button" class="start" part="button">Start camera</button>
  <button type="button" class="capture secondary" part="button" disabled>Take the photo now</button>
  <button type="button" class="retake" part="button" hidden>Try again</button>
</div>
<div class="outcome" part="outcome" role="alert" hidden></div>
`;

export class LivenessCapture extends HTMLElement {
  static observedAttributes = ['session-token'];

  #token;
  #detector;
  #stream;
  #state = 'idle'; // idle | starting | framing | capturing | done
  #steady = 0;
  #lastHint;
  #framingSince;
  #stats = { detections: 0, totalMs: 0, firstHintAt: undefined };

  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).appendChild(template.content.cloneNode(true));
    const $ = (selector) => this.shadowRoot.querySelector(selector);
    this.video = $('video');
    this.hintText = $('.hint');
    this.outcome = $('.outcome');
    this.startButton = $('.start');
    this.captureButton = $('.capture');
    this.retakeButton = $('.retake');
    this.startButton.addEventListener('click', () => this.start());
    this.captureButton.addEventListener('click', () => this.capture());
    this.retakeButton.addEventListener('click', () => this.#retake());
  }

  /** The session token, write-only: taken from the attribute, which is then removed from the DOM. */
  set sessionToken(token) {
    this.#token = token || undefined;
    this.#updateButtons();
  }

  get hasSessionToken() {
    return this.#token !== undefined;
  }

  attributeChangedCallback(name, _old, value) {
    if (name !== 'session-token' || value === null) return;
    this.sessionToken = value;
    this.removeAttribute('session-token');
  }

  /** Where the API is (default: this page's origin). */
  get apiBase() {
    return (this.getAttribute('api-base') || location.origin).replace(/\/+$/, '');
  }

  /** Frames per capture, 1..8 (default 1). */
  get frames() {
    const n = Number.parseInt(this.getAttribute('frames') ?? '1', 10);
    return Number.isFinite(n) ? Math.min(MAX_FRAMES, Math.max(1, n)) : 1;
  }

  /** The last framing hint: `{ hint, message, unlocked }` (unlocked: the photo can be taken whatever the hint). */
  get hint() {
    return this.#lastHint;
  }

  /** Detections run so far and their mean time: what the on-device detector costs here. */
  get detectorStats() {
    const { detections, totalMs } = this.#stats;
    const meanMs = detections > 0 ? totalMs / detections : undefined;
    return { detections, meanMs, fps: meanMs ? 1000 / meanMs : undefined };
  }

  connectedCallback() {
    if (this.hasAttribute('autostart')) this.start();
  }

  disconnectedCallback() {
    this.stop();
  }

  /** Opens the front camera and loads the detector; hints start as soon as both are ready. */
  async start() {
    if (this.#state !== 'idle') return;
    this.#state = 'starting';
    this.startButton.disabled = true;
    this.#say('Starting the camera…');
    try {
      const moduleUrl = import.meta.url;
      const detector = this.#detector ?? loadIlluminationCriteria(this.getAttribute('illumination-url') || undefined).then((illumination) =>
        FaceDetector.load({
          ortUrl: this.getAttribute('ort-url') || new URL('../vendor/onnxruntime-web/ort.wasm.min.mjs', moduleUrl).href,
          modelUrl: this.getAttribute('model-url') || new URL('../models/fr_detect.onnx', moduleUrl).href,
          illumination,
        }),
      );
      this.#stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } },
        audio: false,
      });
      this.video.srcObject = this.#stream;
      await this.video.play();
      this.#say('Loading the face guide…');
      this.#detector = await detector;
      this.startButton.hidden = true;
      this.#state = 'framing';
      this.#framingSince = performance.now();
      this.#updateButtons();
      void this.#loop();
    } catch (error) {
      this.#state = 'idle';
      this.startButton.disabled = false;
      const denied = error && error.name === 'NotAllowedError';
      this.#fail({ reason: denied ? 'CAMERA_DENIED' : 'CAMERA_UNAVAILABLE', message: denied ? 'Camera access was refused: allow it and try again.' : 'The camera or the face guide could not be started.' });
    }
  }

  /** Releases the camera. */
  stop() {
    this.#stream?.getTracks().forEach((track) => track.stop());
    this.#stream = undefined;
    this.#state = 'idle';
  }

  async #loop() {
    while (this.#stream && this.#state !== 'idle') {
      if (this.#state === 'framing' && this.video.readyState >= 2 && this.video.videoWidth > 0) {
        await this.#detectOnce();
      }
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }

  async #detectOnce() {
    const started = performance.now();
    const { videoWidth: width, videoHeight: height } = this.video;
    const { faces, illumination } = await this.#detector.detect(this.video, width, height);
    this.#stats.detections++;
    this.#stats.totalMs += performance.now() - started;
    if (this.#state !== 'framing') return;
    const hint = framingHint({ faces, width, height, illumination }, this.#detector.illumination);
    this.#steady = hint.hint === 'ok' ? this.#steady + 1 : 0;
    const unlocked = this.#unlocked;
    if (hint.hint !== this.#lastHint?.hint || unlocked !== this.#lastHint?.unlocked) {
      this.#lastHint = { ...hint, unlocked };
      this.dataset.hint = hint.hint;
      this.#say(hint.hint === 'ok' && !this.#token ? 'Good. Waiting for a session…' : unlocked && hint.hint !== 'ok' ? `${hint.message}, or take the photo now` : hint.message);
      this.dispatchEvent(new CustomEvent('hint', { detail: { ...this.#lastHint }, bubbles: true, composed: true }));
    }
    this.#updateButtons();
    if (this.#steady >= STEADY_DETECTIONS && this.#token) void this.capture();
  }

  /** Takes the burst and sends it; also bound to the "Take the photo now" button. */
  async capture() {
    if (this.#state !== 'framing' || !this.#token) return;
    this.#state = 'capturing';
    this.#updateButtons();
    this.#say('Taking the photo…');
    const token = this.#token;
    // Single use: whatever happens next, this token is spent.
    this.#token = undefined;
    try {
      const form = new FormData();
      const count = this.frames;
      for (let i = 0; i < count; i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, FRAME_GAP_MS));
        form.append(i === 0 ? 'image' : `image${i + 1}`, await this.#grabFrame(), `frame${i + 1}.jpg`);
      }
      this.dispatchEvent(new CustomEvent('capture', { detail: { frames: count }, bubbles: true, composed: true }));
      this.#say('Checking…');
      // The session is bound to its transaction: without the attribute, the server uses the session's.
      const transactionId = this.getAttribute('transaction-id');
      const response = await fetch(`${this.apiBase}/v1/checkLiveness`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...(transactionId ? { transactionId } : {}) },
        body: form,
        credentials: 'omit',
        cache: 'no-store',
      });
      const body = await response.json().catch(() => undefined);
      if (response.ok && body?.result) return this.#showResult(body);
      this.#fail({
        status: response.status,
        reason: body?.result?.reason ?? 'HTTP_ERROR',
        message: body?.result?.summary?.details?.[0]?.message ?? body?.result?.message ?? `The check failed (HTTP ${response.status}).`,
        body,
      });
    } catch {
      this.#fail({ reason: 'NETWORK_ERROR', message: 'The check could not be sent: check your connection and try again.' });
    }
  }

  async #grabFrame() {
    const canvas = document.createElement('canvas');
    canvas.width = this.video.videoWidth;
    canvas.height = this.video.videoHeight;
    canvas.getContext('2d').drawImage(this.video, 0, 0);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
    canvas.width = canvas.height = 0;
    return blob;
  }

  #showResult(body) {
    const summary = body.result.summary ?? {};
    const action = summary.action ?? 'manualReview';
    const retake = action === 'pass' ? '' : (summary.details?.[0]?.message ?? '');
    this.#finish(action, [OUTCOME_TEXT[action] ?? '', retake].filter(Boolean).join(' '));
    this.dispatchEvent(new CustomEvent('result', { detail: body, bubbles: true, composed: true }));
  }

  #fail(detail) {
    this.#finish('error', detail.message);
    this.dispatchEvent(new CustomEvent('error', { detail, bubbles: true, composed: true }));
  }

  #finish(action, text) {
    if (this.#state === 'capturing') this.#state = 'done';
    this.outcome.hidden = false;
    this.outcome.dataset.action = action;
    this.outcome.textContent = text;
    this.#say(action === 'pass' ? 'Done.' : 'You can try again.');
    this.retakeButton.hidden = action === 'pass' || this.#state === 'idle';
    this.#updateButtons();
    if (!this.retakeButton.hidden) this.retakeButton.focus();
  }

  #retake() {
    this.outcome.hidden = true;
    this.retakeButton.hidden = true;
    this.#steady = 0;
    this.#lastHint = undefined;
    this.#state = 'framing';
    this.#framingSince = performance.now();
    this.#updateButtons();
    // The page answers with a new session token (sessions are single use).
    this.dispatchEvent(new CustomEvent('retake', { bubbles: true, composed: true }));
    if (!this.#stream) this.start();
  }

  #updateButtons() {
    this.captureButton.hidden = this.#state === 'done';
    this.captureButton.disabled = !(this.#state === 'framing' && this.#token && (this.#lastHint?.hint === 'ok' || this.#unlocked));
  }

  /** Framing for UNLOCK_AFTER_MS: the person may take the photo whatever the hint says. */
  get #unlocked() {
    return this.#state === 'framing' && this.#framingSince !== undefined && performance.now() - this.#framingSince >= UNLOCK_AFTER_MS;
  }

  #say(text) {
    this.hintText.textContent = text;
  }
}

if (!customElements.get('liveness-capture')) customElements.define('liveness-capture', LivenessCapture);
