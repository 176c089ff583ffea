import type { Task } from '../task';

/**
 * A UDP socket's receive queue (sk_receive_queue) as counters: packets and
 * their truesize against sk_rcvbuf. A full buffer drops the packet
 * (udp_queue_rcv_skb → RcvbufErrors, the socket's drops).
 */
export class UdpSocket {
  queued = 0;
  queuedBytes = 0;
  /** Packets queued to the socket so far (Udp InDatagrams share). */
  received = 0;
  /** Packets read by the application. */
  consumed = 0;
  consumedBytes = 0;
  drops = 0;
  /** The reader is blocked in recvmsg waiting for data. */
  waiter: Task | null = null;
  /** Set when the device under the socket vanished: reads fail with ENETDOWN. */
  error: string | null = null;

  constructor(
    readonly port: number,
    public rcvbuf: number,
    readonly owner: Task,
  ) {}
}

/** SKB_TRUESIZE of a received frame: a 2 KiB page fragment (the usual RX buffer) plus struct sk_buff. */
export function truesize(sizeBytes: number): number {
  return Math.max(2048, sizeBytes) + 256;
}
