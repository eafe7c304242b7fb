/** Made-up film titles in the MovieLens style: "The Silent River (1997)". */
import { type Random, randomInt } from './prng.js';

const ADJECTIVES = [
  'Silent',
  'Broken',
  'Golden',
  'Last',
  'Hidden',
  'Crimson',
  'Lonely',
  'Electric',
  'Frozen',
  'Wild',
  'Midnight',
  'Secret',
  'Burning',
  'Distant',
  'Little',
  'Dark',
  'Bright',
  'Quiet',
  'Lost',
  'Savage',
  'Endless',
  'Paper',
  'Iron',
  'Velvet',
  'Hollow',
  'Restless',
  'Second',
  'Northern',
  'Forgotten',
  'Sweet',
];
const NOUNS = [
  'River',
  'City',
  'Heart',
  'Road',
  'Summer',
  'Garden',
  'Witness',
  'Empire',
  'Harbor',
  'Promise',
  'Mountain',
  'Stranger',
  'Kingdom',
  'Mirror',
  'Storm',
  'Island',
  'Machine',
  'Station',
  'Letter',
  'Dream',
  'Frontier',
  'Daughter',
  'Hunter',
  'Ghost',
  'Winter',
  'Bridge',
  'Sister',
  'Planet',
  'Shadow',
  'Voyage',
];
const PLACES = [
  'Paris',
  'Tokyo',
  'Memphis',
  'Berlin',
  'Havana',
  'Brooklyn',
  'Cairo',
  'Dublin',
  'Lisbon',
  'Reno',
];
const SEQUELS = ['II', 'III', 'Part Two', 'Returns', 'Reloaded'];

function pick(random: Random, words: readonly string[]): string {
  return words[randomInt(random, words.length)]!;
}

/** A title with its year; some contain a comma, as real ones do ("Goodbye, Silent River (1997)"). */
export function movieTitle(random: Random, year: number): string {
  const adjective = pick(random, ADJECTIVES);
  const noun = pick(random, NOUNS);
  let name: string;
  switch (randomInt(random, 8)) {
    case 0:
      name = `${noun} of the ${pick(random, NOUNS)}`;
      break;
    case 1:
      name = `Goodbye, ${adjective} ${noun}`;
      break;
    case 2:
      name = `${adjective} ${noun} in ${pick(random, PLACES)}`;
      break;
    case 3:
      name = `${adjective} ${noun}: ${pick(random, SEQUELS)}`;
      break;
    case 4:
      // MovieLens moves the article to the end: "River, The".
      name = `${adjective} ${noun}, The`;
      break;
    case 5:
      name = `${noun}s`;
      break;
    default:
      name = `The ${adjective} ${noun}`;
  }
  return `${name} (${year})`;
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (quotes doubled). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
