/**
 * The position ratio of balance_dirty_pages (mm/page-writeback.c:
 * pos_ratio_polynom(), wb_position_ratio()), in the kernel's fixed point:
 * 1.0 = 1 << RATELIMIT_CALC_SHIFT. All amounts in pages.
 */

export const RATELIMIT_CALC_SHIFT = 10;
export const POS_ONE = 1 << RATELIMIT_CALC_SHIFT;

/** C-style signed division truncating toward zero. */
function divTrunc(a: number, b: number): number {
  return Math.trunc(a / b);
}

/**
 * pos_ratio_polynom(): 1 + ((setpoint − dirty) / (limit − setpoint))³,
 * clamped to [0, 2]; 2 at freerun, 1 at setpoint, 0 at limit.
 */
export function posRatioPolynom(setpoint: number, dirty: number, limit: number): number {
  const x = divTrunc((setpoint - dirty) * POS_ONE, (limit - setpoint) | 1);
  let pos = x;
  pos = Math.floor((pos * x) / POS_ONE);
  pos = Math.floor((pos * x) / POS_ONE);
  pos += POS_ONE;
  return Math.min(Math.max(pos, 0), 2 * POS_ONE);
}

/** One domain's view for one wb (struct dirty_throttle_control). */
export interface DirtyControl {
  thresh: number;
  bgThresh: number;
  /** Smoothed dirty_limit of the domain (before hard_dirty_limit). */
  domDirtyLimit: number;
  /** NR_FILE_DIRTY + NR_WRITEBACK of the domain. */
  dirty: number;
  /** This wb's share of thresh. */
  wbThresh: number;
  /** This wb's reclaimable + writeback pages. */
  wbDirty: number;
  /** wb->avg_write_bandwidth, pages/s. */
  writeBw: number;
}

export interface PosRatio {
  /** Fixed point, POS_ONE = 1.0. */
  posRatio: number;
  /** hard_dirty_limit(). */
  limit: number;
  setpoint: number;
  freerun: number;
  /** Global cubic term alone (before the per-wb line), for traces and tests. */
  globalPos: number;
}

/**
 * wb_position_ratio() without BDI_CAP_STRICTLIMIT: the global cubic term,
 * scaled by the wb's linear control line (1.0 at wb_setpoint, slope
 * −1/(8·write_bw) in the single-wb case, floor 1/4) and boosted when the wb
 * has less than half its threshold dirty.
 */
export function wbPositionRatio(c: DirtyControl): PosRatio {
  const freerun = Math.floor((c.thresh + c.bgThresh) / 2);
  const limit = Math.max(c.thresh, c.domDirtyLimit);
  const setpoint = Math.floor((freerun + limit) / 2);
  if (c.dirty >= limit) return { posRatio: 0, limit, setpoint, freerun, globalPos: 0 };
  let pos = posRatioPolynom(setpoint, c.dirty, limit);
  const globalPos = pos;

  let wbThresh = Math.min(c.wbThresh, c.thresh);
  // An idle wb keeps a usable threshold so occasional writes are not blocked.
  wbThresh = Math.max(wbThresh, Math.floor((limit - c.dirty) / 8));
  // 16-bit fixed point scale of the global setpoint to the wb's.
  const x = Math.floor((wbThresh * 65536) / (c.thresh | 1));
  const wbSetpoint = Math.floor((setpoint * x) / 65536);
  const span = Math.floor(((c.thresh - wbThresh + 8 * c.writeBw) * x) / 65536);
  let xIntercept = wbSetpoint + span;
  if (c.wbDirty < xIntercept - Math.floor(span / 4)) {
    pos = Math.floor((pos * (xIntercept - c.wbDirty)) / ((xIntercept - wbSetpoint) | 1));
  } else {
    pos = Math.floor(pos / 4);
  }
  // wb reserve area: keep the disk busy when the wb's pool runs low.
  xIntercept = Math.floor(wbThresh / 2);
  if (c.wbDirty < xIntercept) {
    if (c.wbDirty > Math.floor(xIntercept / 8)) pos = Math.floor((pos * xIntercept) / c.wbDirty);
    else pos *= 8;
  }
  return { posRatio: pos, limit, setpoint, freerun, globalPos };
}
