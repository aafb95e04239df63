/**
 * Which content hash each full-text shard was last sent with, and which it was last built with. A
 * shard is ready when the two agree. The service reports its status after every worker reply, so
 * the number of ready shards is kept as they change rather than counted over every shard each time
 * (a warm start at L has a thousand shards, and as many replies).
 */
export class ShardProgress {
  private readonly sent = new Map<string, string>();
  private readonly built = new Map<string, string>();
  private readyShards = 0;

  /** How many shards have been sent. */
  get size(): number { return this.sent.size; }
  /** How many of them are built as they were last sent. */
  get ready(): number { return this.readyShards; }

  sentHash(shard: string): string | undefined { return this.sent.get(shard); }
  has(shard: string): boolean { return this.sent.has(shard); }
  shards(): IterableIterator<string> { return this.sent.keys(); }

  /** The shard was (or is being) sent to a worker with this content hash. */
  sentAs(shard: string, hash: string): void {
    const was = this.isReady(shard);
    this.sent.set(shard, hash);
    this.readyShards += Number(this.isReady(shard)) - Number(was);
  }

  /** A worker built (or loaded) the shard for this content hash. */
  builtAs(shard: string, hash: string): void {
    const was = this.isReady(shard);
    this.built.set(shard, hash);
    this.readyShards += Number(this.isReady(shard)) - Number(was);
  }

  /** The shard is gone (its files went, or its worker did); true if it had been sent. */
  forget(shard: string): boolean {
    if (this.isReady(shard)) this.readyShards--;
    this.built.delete(shard);
    return this.sent.delete(shard);
  }

  private isReady(shard: string): boolean {
    const hash = this.sent.get(shard);
    return hash !== undefined && this.built.get(shard) === hash;
  }
}
