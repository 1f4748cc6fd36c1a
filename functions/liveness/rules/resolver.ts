import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import defaultJson from './default.json' with { type: 'json' };
import strictJson from './strict.json' with { type: 'json' };
import { parseRulesDocument, type RulesDocument, RulesDocumentError } from './rulesDocument.js';

/** The rules documents shipped with the code. */
export const SHIPPED_RULES: readonly RulesDocument[] = [parseRulesDocument(defaultJson), parseRulesDocument(strictJson)];
export const DEFAULT_RULES_NAME = 'default';
export const DEFAULT_RULES: RulesDocument = SHIPPED_RULES[0]!;

/** Which rules document an app gets: its own override, else its plan's, else the default. */
export interface RulesSelection {
  readonly app?: string | undefined;
  readonly plan?: string | undefined;
}

/** Finds rules documents by name; documents added later replace shipped ones of the same name. */
export class RulesResolver {
  private readonly documents = new Map<string, RulesDocument>();

  constructor(documents: readonly RulesDocument[] = SHIPPED_RULES) {
    for (const document of documents) this.documents.set(document.name, document);
    if (!this.documents.has(DEFAULT_RULES_NAME)) this.documents.set(DEFAULT_RULES_NAME, DEFAULT_RULES);
  }

  /** Every `*.json` in a directory, validated, on top of the shipped documents. */
  static withDirectory(directory: string, base: readonly RulesDocument[] = SHIPPED_RULES): RulesResolver {
    const files = readdirSync(directory).filter((f) => f.endsWith('.json')).sort();
    const loaded = files.map((file) => {
      try {
        return parseRulesDocument(JSON.parse(readFileSync(join(directory, file), 'utf8')));
      } catch (error) {
        throw new RulesDocumentError(`rules document ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    return new RulesResolver([...base, ...loaded]);
  }

  names(): string[] {
    return [...this.documents.keys()].sort();
  }

  get(name: string): RulesDocument {
    const document = this.documents.get(name);
    if (!document) throw new RulesDocumentError(`unknown rules document "${name}" (known: ${this.names().join(', ')})`);
    return document;
  }

  /** App override, else plan rules, else the default. An unknown name is a configuration error and throws. */
  resolve(selection: RulesSelection = {}): RulesDocument {
    return this.get(selection.app ?? selection.plan ?? DEFAULT_RULES_NAME);
  }
}

let shared: RulesResolver | undefined;
/** The process-wide resolver: shipped documents plus any in LIVENESS_RULES_DIR. */
export const sharedRulesResolver = (): RulesResolver =>
  (shared ??= process.env.LIVENESS_RULES_DIR
    ? RulesResolver.withDirectory(process.env.LIVENESS_RULES_DIR)
    : new RulesResolver());

/** Shorthand for `sharedRulesResolver().resolve(selection)`. */
export const resolveRules = (selection: RulesSelection = {}): RulesDocument => sharedRulesResolver().resolve(selection);
