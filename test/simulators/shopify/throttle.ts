/**
 * Shopify's leaky bucket for calculated query cost, one per shop and app. A request needs the
 * bucket to hold its requested cost; after execution the difference between requested and actual
 * cost is given back. The bucket refills continuously at `restoreRate` points per second.
 */
export interface ThrottleOptions {
  /** Bucket size in points (default 2000). */
  maximumAvailable: number;
  /** Points restored per second (default 100, Shopify's Standard plan). */
  restoreRate: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { maximumAvailable: 2000, restoreRate: 100 };

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  private available: number;
  private at: number;

  constructor(
    private options: ThrottleOptions,
    private readonly now: () => number,
  ) {
    this.available = options.maximumAvailable;
    this.at = now();
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.at) / 1000;
    this.available = Math.min(this.options.maximumAvailable, this.available + elapsed * this.options.restoreRate);
    this.at = t;
  }

  /** Takes `cost` points if the bucket holds them; false (and nothing taken) otherwise. */
  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.options.maximumAvailable, this.available + Math.max(0, points));
  }

  configure(options: Partial<ThrottleOptions> & { currentlyAvailable?: number }): void {
    this.refill();
    this.options = {
      maximumAvailable: options.maximumAvailable ?? this.options.maximumAvailable,
      restoreRate: options.restoreRate ?? this.options.restoreRate,
    };
    this.available = Math.min(this.options.maximumAvailable, options.currentlyAvailable ?? this.available);
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.options.maximumAvailable,
      // Shopify reports whole points.
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.options.restoreRate,
    };
  }
}
