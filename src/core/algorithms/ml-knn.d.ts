/** The parts of ml-knn 3 (CommonJS, no bundled types) that genre-knn.ts uses. */
declare module 'ml-knn' {
  type Distance = (a: ArrayLike<number>, b: ArrayLike<number>) => number;

  class KNN {
    constructor(dataset: number[][], labels: number[], options?: { k?: number; distance?: Distance });
    /** Each training point is stored with its label appended as the last coordinate. */
    readonly kdTree: {
      nearest(point: number[], maxNodes: number, maxDistance?: number): Array<[number[], number]>;
    };
    predict(dataset: number[]): number;
    predict(dataset: number[][]): number[];
  }
  export = KNN;
}
