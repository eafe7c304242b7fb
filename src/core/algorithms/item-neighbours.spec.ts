import { itemNeighbours, neighboursByRows, neighboursByTriangle } from './item-neighbours.js';

/** Users with strictly increasing items (popular ones skewed, so co-ratings tie often) and ratings. */
function interactions(numUsers: number, numItems: number, seed: number) {
  let s = seed;
  const random = () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0), s / 4_294_967_296);
  const userPtr = new Int32Array(numUsers + 1);
  const items: number[] = [];
  const ratings: number[] = [];
  for (let u = 0; u < numUsers; u++) {
    const mine = new Set<number>();
    const n = Math.floor(random() * Math.min(30, numItems));
    while (mine.size < n) mine.add(Math.floor(random() ** 2 * numItems));
    for (const item of [...mine].sort((a, b) => a - b)) {
      items.push(item);
      ratings.push(0.5 * (1 + Math.floor(random() * 10)));
    }
    userPtr[u + 1] = items.length;
  }
  return {
    numUsers,
    numItems,
    userPtr,
    userItems: Int32Array.from(items),
    userRatings: Float32Array.from(ratings),
  };
}

const lists = (n: ReturnType<typeof neighboursByRows>) => ({
  ptr: Array.from(n.nbrPtr),
  items: Array.from(n.nbrItems),
  sims: Array.from(n.nbrSims),
});

describe('item neighbours', () => {
  it.each([
    [true, 5],
    [false, 5],
    [true, 100],
    [false, 1],
    [true, 2],
  ])('by the lower triangle are the row-by-row lists, bit for bit (binary %s, k %i)', (binary, k) => {
    const data = interactions(400, 120, k + (binary ? 1 : 2));
    const rows = neighboursByRows(data, binary, k);
    expect(lists(neighboursByTriangle(data, binary, k))).toEqual(lists(rows));
    expect(rows.nbrPtr[data.numItems]).toBeGreaterThan(0);
  });

  it('keeps the row-by-row code for users whose items are not strictly increasing', () => {
    const data = interactions(50, 20, 3);
    const reversed = { ...data, userItems: data.userItems.slice() };
    for (let u = 0; u < data.numUsers; u++)
      reversed.userItems.subarray(data.userPtr[u], data.userPtr[u + 1]).reverse();
    // the same ratings per (user, item), listed backwards
    const ratings = data.userRatings.slice();
    for (let u = 0; u < data.numUsers; u++) ratings.subarray(data.userPtr[u], data.userPtr[u + 1]).reverse();
    const backwards = { ...reversed, userRatings: ratings };
    expect(lists(itemNeighbours(backwards, false, 4))).toEqual(lists(neighboursByRows(backwards, false, 4)));
  });
});
