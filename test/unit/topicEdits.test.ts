import * as assert from 'assert';
import { hidden, merged, phrasesOf, renamed } from '../../client/src/topicEdits';
import { readSettings } from '../../server/src/shared/settings';

const derived = (name: string, phrases?: string[]) => ({ name, kind: 'derived', phrases });

describe('corrections to derived topics, as settings', () => {
  it('renaming a derived topic names its defining phrases in the vocabulary', () => {
    assert.deepStrictEqual(renamed({}, derived('rankers', ['rankers', 'ranking models']), ' Retrieval and ranking '), { 'Retrieval and ranking': ['rankers', 'ranking models'] });
    assert.strictEqual(renamed({}, derived('x'), '  '), undefined);
  });

  it('renaming a vocabulary topic moves its words to the new name; renaming onto an existing name joins them', () => {
    const vocab = { RM: ['reward model'], Alignment: ['RLHF'] };
    assert.deepStrictEqual(renamed(vocab, { name: 'RM', kind: 'vocabulary' }, 'Reward models'), { Alignment: ['RLHF'], 'Reward models': ['reward model'] });
    assert.deepStrictEqual(renamed(vocab, derived('reward model'), 'Alignment'), { RM: ['reward model'], Alignment: ['RLHF', 'reward model'] });
  });

  it('merging lists the source\'s phrases under the target, each once', () => {
    const vocab = { PEFT: ['LoRA', 'adapter'] };
    assert.deepStrictEqual(merged(vocab, derived('low rank', ['low rank', 'lora']), { name: 'PEFT', kind: 'vocabulary' }), { PEFT: ['LoRA', 'adapter', 'low rank'] });
    assert.deepStrictEqual(merged({}, derived('search engines'), derived('ranking models', ['ranking models', 'rankers'])), { 'ranking models': ['ranking models', 'rankers', 'search engines'] });
    // A vocabulary topic merged into another is gone.
    assert.deepStrictEqual(merged({ A: ['a'], B: ['b'] }, { name: 'A', kind: 'vocabulary' }, { name: 'B', kind: 'vocabulary' }), { B: ['b', 'a'] });
  });

  it('hiding adds the topic\'s phrases to the hidden list once', () => {
    assert.deepStrictEqual(hidden(['choice'], derived('neural network', ['neural network', 'neural networks'])), ['choice', 'neural network', 'neural networks']);
    assert.deepStrictEqual(hidden(['Choice'], derived('choice')), ['Choice']);
    assert.deepStrictEqual(phrasesOf({ name: 'X', kind: 'vocabulary' }, {}), ['X']);
  });

  it('the hidden list is read from settings, strings only', () => {
    assert.deepStrictEqual(readSettings({ topics: { hidden: ['neural network', 3, '', null] } }).topics.hidden, ['neural network']);
    assert.deepStrictEqual(readSettings({}).topics.hidden, []);
  });
});
