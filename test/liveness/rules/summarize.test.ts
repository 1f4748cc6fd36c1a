import { describe, expect, it } from 'vitest';
import type { QualityCheckResults, QualityStatus } from '../../../functions/liveness/quality/types.js';
import {
  DEFAULT_RULES,
  errorSummary,
  parseRulesDocument,
  REASON_CODES,
  summarize,
  type SummaryInput,
} from '../../../functions/liveness/rules/index.js';

const input = (
  value: 'yes' | 'no',
  confidence: 'high' | 'low',
  extra: { faces?: number; status?: QualityStatus; failures?: QualityStatus[]; checks?: QualityCheckResults; score?: number } = {},
): SummaryInput => ({
  decision: { value, confidence, score: extra.score ?? (value === 'yes' ? 0.9 : 0.1) },
  faces: Array.from({ length: extra.faces ?? 1 }, () => ({})),
  quality: {
    status: extra.status ?? 'VALID_IMAGE',
    failures: extra.failures ?? (extra.status && extra.status !== 'VALID_IMAGE' ? [extra.status] : []),
    checks: extra.checks ?? {},
  },
});

describe('summarize with the default rules', () => {
  it('passes a clearly live face with a valid image, with no details', () => {
    expect(summarize(input('yes', 'high'), DEFAULT_RULES)).toEqual({ action: 'pass', details: [] });
  });

  it('fails a spoof with reason 201', () => {
    expect(summarize(input('no', 'high'), DEFAULT_RULES)).toEqual({
      action: 'fail',
      details: [{ code: '201', message: REASON_CODES.SPOOF.message }],
    });
  });

  it('sends a borderline score to manual review, on either side of the threshold', () => {
    expect(summarize(input('yes', 'low'), DEFAULT_RULES).details.map((d) => d.code)).toEqual(['203']);
    expect(summarize(input('yes', 'low'), DEFAULT_RULES).action).toBe('manualReview');
    expect(summarize(input('no', 'low'), DEFAULT_RULES)).toMatchObject({ action: 'manualReview', details: [{ code: '202' }] });
  });

  it('sends each quality failure to manual review with its own code', () => {
    const blurred = summarize(input('yes', 'high', { status: 'SHARPNESS_ERROR' }), DEFAULT_RULES);
    expect(blurred).toMatchObject({ action: 'manualReview', details: [{ code: '301' }] });
    const dark = summarize(input('yes', 'high', { status: 'ILLUMINATION_ERROR', failures: ['ILLUMINATION_ERROR', 'SHARPNESS_ERROR'] }), DEFAULT_RULES);
    expect(dark.details.map((d) => d.code)).toEqual(['301', '302']);
  });

  it('reports several faces once, whether seen as a status or as a face count', () => {
    const result = summarize(input('yes', 'high', { faces: 3, status: 'MULTIPLE_FACES' }), DEFAULT_RULES);
    expect(result).toEqual({ action: 'manualReview', details: [{ code: '310', message: REASON_CODES.MULTIPLE_FACES.message }] });
  });

  it('acts on a requested check answering yes, and ignores unsupported and unrequested ones', () => {
    const eyes = summarize(input('yes', 'high', { checks: { eyesClosed: { value: 'yes', confidence: 'high' } } }), DEFAULT_RULES);
    expect(eyes).toMatchObject({ action: 'manualReview', details: [{ code: '402' }] });
    const hat = summarize(input('yes', 'high', { checks: { hat: { value: 'unsupported' } } }), DEFAULT_RULES);
    expect(hat.action).toBe('pass');
  });

  it('keeps the most severe action and lists every reason: spoof and blur', () => {
    const result = summarize(input('no', 'high', { status: 'SHARPNESS_ERROR' }), DEFAULT_RULES);
    expect(result.action).toBe('fail');
    expect(result.details.map((d) => d.code)).toEqual(['201', '301']);
  });
});

describe('error summaries', () => {
  it('uses 121 for no face, 111 for an unsupported file and review for a server error', () => {
    expect(errorSummary('FACE_NOT_DETECTED')).toEqual({ action: 'fail', details: [{ code: '121', message: REASON_CODES.FACE_NOT_DETECTED.message }] });
    expect(errorSummary('UNSUPPORTED_FILE_TYPE').details[0]!.code).toBe('111');
    expect(errorSummary('SERVER_ERROR')).toMatchObject({ action: 'manualReview', details: [{ code: '110' }] });
  });
});

describe('reason codes', () => {
  it('are unique three-digit strings', () => {
    const codes = Object.values(REASON_CODES).map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^\d{3}$/);
  });
});

describe('a rules document read as data', () => {
  it('changes the action without code changes: spoof to review, blur to fail', () => {
    const lenient = parseRulesDocument({
      name: 'lenient',
      version: '2',
      defaultAction: 'pass',
      rules: [
        { when: { liveness: 'spoof' }, action: 'manualReview', reason: 'SPOOF', message: 'Please review this selfie' },
        { when: { qualityStatus: 'SHARPNESS_ERROR' }, action: 'fail', reason: 'SHARPNESS_ERROR' },
      ],
    });
    expect(summarize(input('no', 'high'), lenient)).toEqual({ action: 'manualReview', details: [{ code: '201', message: 'Please review this selfie' }] });
    expect(summarize(input('yes', 'high', { status: 'SHARPNESS_ERROR' }), lenient).action).toBe('fail');
    expect(summarize(input('yes', 'low'), lenient).action).toBe('pass');
  });

  it('applies a hard score floor', () => {
    const floor = parseRulesDocument({
      name: 'floor',
      version: '1',
      defaultAction: 'pass',
      rules: [{ when: { scoreBelow: 0.3 }, action: 'fail', reason: 'LOW_LIVENESS_SCORE' }],
    });
    expect(summarize(input('yes', 'low', { score: 0.25 }), floor)).toMatchObject({ action: 'fail', details: [{ code: '204' }] });
    expect(summarize(input('yes', 'low', { score: 0.35 }), floor).action).toBe('pass');
  });

  it('rejects a malformed document naming the bad field', () => {
    const base = { name: 'x', version: '1', defaultAction: 'pass' };
    expect(() => parseRulesDocument({ ...base, rules: [{ when: { liveness: 'maybe' }, action: 'fail', reason: 'SPOOF' }] })).toThrow(/rules\[0\]\.when\.liveness/);
    expect(() => parseRulesDocument({ ...base, rules: [{ when: { liveness: 'spoof' }, action: 'reject', reason: 'SPOOF' }] })).toThrow(/rules\[0\]\.action/);
    expect(() => parseRulesDocument({ ...base, rules: [{ when: { liveness: 'spoof' }, action: 'fail', reason: 'NOPE' }] })).toThrow(/rules\[0\]\.reason/);
    expect(() => parseRulesDocument({ ...base, rules: [{ when: { qualityStatus: 'VALID_IMAGE' }, action: 'fail', reason: 'SPOOF' }] })).toThrow(/qualityStatus/);
    expect(() => parseRulesDocument({ ...base, defaultAction: 'ok', rules: [] })).toThrow(/defaultAction/);
    expect(() => parseRulesDocument({ ...base, name: '../etc', rules: [] })).toThrow(/name/);
  });
});

describe('rules on presentations the model cannot judge (assessable false)', () => {
  const notAssessable = (cause: 'framing' | 'exposure', status: QualityStatus): SummaryInput => ({
    ...input('no', 'low', { status, score: 0.99 }),
    assessability: { assessable: false, cause },
  });

  it('sends a framing fault to manualReview with the retake code 205 and its message, and never calls it a spoof', () => {
    const summary = summarize(notAssessable('framing', 'FACE_WITHOUT_PADDING'), DEFAULT_RULES);
    expect(summary.action).toBe('manualReview');
    expect(summary.details.map((d) => d.code)).toEqual(['205', '306']);
    expect(summary.details[0]!.message).toBe("Hold the phone at arm's length so your head and shoulders are in the picture");
  });

  it('sends an exposure fault to manualReview with 206', () => {
    expect(summarize(notAssessable('exposure', 'ILLUMINATION_ERROR'), DEFAULT_RULES).details.map((d) => d.code)).toEqual(['206', '302']);
  });

  it('does not apply liveness or score conditions to it: its score is no verdict', () => {
    const doc = parseRulesDocument({
      name: 'floor',
      version: '1',
      defaultAction: 'pass',
      rules: [
        { when: { scoreBelow: 1 }, action: 'fail', reason: 'LOW_LIVENESS_SCORE' },
        { when: { liveness: 'borderlineSpoof' }, action: 'fail', reason: 'BORDERLINE_SPOOF' },
      ],
    });
    const summary = summarize(notAssessable('framing', 'FACE_TOO_CLOSE'), doc);
    expect(summary.details.map((d) => d.code)).not.toContain('204');
    expect(summary.details.map((d) => d.code)).not.toContain('202');
  });

  it('never passes it, even under a custom document with no rule for it', () => {
    const lax = parseRulesDocument({ name: 'lax', version: '1', defaultAction: 'pass', rules: [] });
    expect(summarize(notAssessable('framing', 'FACE_CROPPED'), lax)).toEqual({
      action: 'manualReview',
      details: [{ code: '205', message: REASON_CODES.RETAKE_FRAMING.message }],
    });
  });

  it('offers the conditions assessable and notAssessable to custom documents, validated on load', () => {
    const doc = parseRulesDocument({
      name: 'custom',
      version: '1',
      defaultAction: 'pass',
      rules: [{ when: { assessable: false }, action: 'fail', reason: 'RETAKE_FRAMING', message: 'Reculez' }],
    });
    expect(summarize(notAssessable('exposure', 'ILLUMINATION_ERROR'), doc)).toEqual({ action: 'fail', details: [{ code: '205', message: 'Reculez' }] });
    expect(summarize(input('yes', 'high'), doc).action).toBe('pass');
    expect(() => parseRulesDocument({ ...doc, rules: [{ when: { assessable: 'no' }, action: 'fail', reason: 'SPOOF' }] })).toThrow(/invalid value/);
    expect(() => parseRulesDocument({ ...doc, rules: [{ when: { notAssessable: 'blur' }, action: 'fail', reason: 'SPOOF' }] })).toThrow(/invalid value/);
  });
});
