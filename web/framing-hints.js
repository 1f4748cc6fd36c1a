// Framing hints computed on the device, before anything is sent. Framing is stricter than the server's
// quality checks (functions/liveness/quality/config.ts) so that a frame the device calls "ok" passes there:
// the liveness model judges the face with its surroundings (a 2.7x box), so a face may not fill the frame.
// Lighting is judged by the server's own criteria (web/illumination.json), never by a fixed mean.
import { illuminationProblem } from './illumination.js';

export const FRAMING = Object.freeze({
  /** The larger of face width/frame width and face height/frame height (the server's face ratio). */
  minFaceRatio: 0.2,
  maxFaceRatio: 0.5,
  /** Distance of the face centre from the frame centre, as a fraction of the frame side. */
  maxCentreOffset: 0.15,
});

/** Hint codes (stable, for `hint` events) and what the user reads. */
export const HINT_MESSAGES = Object.freeze({
  'no-face': 'No face found: look at the camera',
  'several-faces': 'Several faces: only one person, please',
  'too-dark': 'Too dark: find more light',
  'too-bright': 'Too bright: move away from strong light',
  'uneven-light': 'Light falls on one side: face the light',
  'too-far': 'Move closer',
  'too-close': 'Move back a little',
  'off-centre': 'Centre your face in the oval',
  ok: 'Hold still…',
});

/**
 * The one hint for a frame of width x height with these faces (best first) and the best face's
 * `illumination` (web/illumination.js) judged by `criteria` (web/illumination.json); lighting is not
 * judged when either is missing.
 */
export function framingHint({ faces, width, height, illumination }, criteria, framing = FRAMING) {
  const hint = (code) => ({ hint: code, message: HINT_MESSAGES[code] });
  if (faces.length === 0) return hint('no-face');
  if (faces.length > 1) return hint('several-faces');
  const face = faces[0];
  const lighting = illumination && criteria ? illuminationProblem(illumination, criteria) : undefined;
  if (lighting) return hint(lighting);
  const ratio = Math.max((face.x2 - face.x1) / width, (face.y2 - face.y1) / height);
  if (ratio < framing.minFaceRatio) return hint('too-far');
  if (ratio > framing.maxFaceRatio) return hint('too-close');
  const dx = Math.abs((face.x1 + face.x2) / 2 / width - 0.5);
  const dy = Math.abs((face.y1 + face.y2) / 2 / height - 0.5);
  if (dx > framing.maxCentreOffset || dy > framing.maxCentreOffset) return hint('off-centre');
  return hint('ok');
}
