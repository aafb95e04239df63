export interface TopicOptions {
  auto: boolean;
  maxPerPaper: number;
  /** Topic name -> words or phrases; takes precedence over derived topics. */
  vocabulary: Record<string, string[]>;
  /** Derived topics the user hid: phrases never chosen as topics (as written; matched by their folded words). */
  hidden: string[];
}

/** Settings in section `litnotes`; defaults apply when the client sends none (any LSP editor). */
export interface Settings {
  notes: string[];
  digests: string[];
  bibliographies: string[];
  /**
   * Bibliography files read wherever they are (a reference manager's export outside the workspace),
   * as absolute paths or from `~`. The user's own setting: VS Code takes it from user settings only.
   */
  bibliographyFiles: string[];
  exclude: string[];
  newNoteFolder: string;
  maxFileSizeMB: number;
  topics: TopicOptions;
  /**
   * How an unknown key shows; how a known key the draft's own bibliography files lack shows; `scope`:
   * citations checked in open documents only, or also in every closed draft that cites a paper of the library.
   */
  diagnostics: { unknownKey: 'warning' | 'information' | 'off'; notInBibliography: 'warning' | 'information' | 'off'; scope: 'open' | 'drafts' };
  /** Which bibliographies litnotes wrote are rewritten when a draft naming them is saved. */
  export: { onSave: 'off' | 'csl-json' | 'bibtex' };
}

/**
 * What other tools keep in a vault and litnotes never indexes by default: version control and
 * packages, Obsidian's settings and trash (a stale copy there once beat the live note), Foam's and
 * Dendron's settings and templates, and what site generators write.
 */
export const TOOL_FOLDERS: readonly string[] = [
  '**/node_modules/**', '**/.git/**', '**/.trash/**', '**/.obsidian/**', '**/.foam/**', '**/.dendron*/**',
  '**/templates.*.md', '**/_site/**', '**/.quarto/**',
];

export const DEFAULT_SETTINGS: Settings = {
  notes: ['**/notes/**/*.md', '**/papers/**/*.md', '**/literature/**/*.md'],
  digests: ['**/*.digest.{txt,md,json,html}', '**/digests/**/*.{txt,md,json,html}'],
  bibliographies: ['**/*.bib', '**/*.csl.json', '**/*.csl.yaml', '**/{references,library,bibliography}.json'],
  bibliographyFiles: [],
  exclude: [...TOOL_FOLDERS],
  newNoteFolder: 'notes',
  maxFileSizeMB: 10,
  topics: { auto: true, maxPerPaper: 3, vocabulary: {}, hidden: [] },
  diagnostics: { unknownKey: 'warning', notInBibliography: 'warning', scope: 'open' },
  export: { onSave: 'off' },
};

/** Settings from the client, each field checked; anything missing or malformed falls back to the default. */
export function readSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const globs = (v: unknown, d: string[]) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : d);
  return {
    notes: globs(r.notes, DEFAULT_SETTINGS.notes),
    digests: globs(r.digests, DEFAULT_SETTINGS.digests),
    bibliographies: globs(r.bibliographies, DEFAULT_SETTINGS.bibliographies),
    bibliographyFiles: globs(r.bibliographyFiles, DEFAULT_SETTINGS.bibliographyFiles),
    exclude: globs(r.exclude, DEFAULT_SETTINGS.exclude),
    newNoteFolder: typeof r.newNoteFolder === 'string' && r.newNoteFolder.trim() && !r.newNoteFolder.includes('..') ? r.newNoteFolder.trim() : DEFAULT_SETTINGS.newNoteFolder,
    maxFileSizeMB: typeof r.maxFileSizeMB === 'number' && r.maxFileSizeMB > 0 ? r.maxFileSizeMB : DEFAULT_SETTINGS.maxFileSizeMB,
    topics: readTopics(r.topics),
    diagnostics: {
      unknownKey: oneOf(field(r.diagnostics, 'unknownKey'), ['warning', 'information', 'off'] as const, DEFAULT_SETTINGS.diagnostics.unknownKey),
      notInBibliography: oneOf(field(r.diagnostics, 'notInBibliography'), ['warning', 'information', 'off'] as const, DEFAULT_SETTINGS.diagnostics.notInBibliography),
      scope: oneOf(field(r.diagnostics, 'scope'), ['open', 'drafts'] as const, DEFAULT_SETTINGS.diagnostics.scope),
    },
    export: { onSave: oneOf(field(r.export, 'onSave'), ['off', 'csl-json', 'bibtex'] as const, DEFAULT_SETTINGS.export.onSave) },
  };
}

function field(section: unknown, name: string): unknown {
  return section && typeof section === 'object' ? (section as Record<string, unknown>)[name] : undefined;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function readTopics(raw: unknown): Settings['topics'] {
  const t = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const vocabulary: Record<string, string[]> = {};
  if (t.vocabulary && typeof t.vocabulary === 'object') {
    for (const [name, words] of Object.entries(t.vocabulary as Record<string, unknown>)) {
      const list = (Array.isArray(words) ? words : typeof words === 'string' ? [words] : []).filter((w): w is string => typeof w === 'string' && w.trim() !== '');
      if (name.trim() && list.length) vocabulary[name.trim()] = list;
    }
  }
  return {
    auto: typeof t.auto === 'boolean' ? t.auto : DEFAULT_SETTINGS.topics.auto,
    maxPerPaper: typeof t.maxPerPaper === 'number' && t.maxPerPaper >= 1 ? Math.min(10, Math.floor(t.maxPerPaper)) : DEFAULT_SETTINGS.topics.maxPerPaper,
    vocabulary,
    hidden: (Array.isArray(t.hidden) ? t.hidden : []).filter((h): h is string => typeof h === 'string' && h.trim() !== '').slice(0, 1000),
  };
}
