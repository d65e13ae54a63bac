/**
 * What a local run records about its links (`links.json`, `summary.links`): the path taken and
 * why, the kernel's and the relays' counters, and in `links.json` each link's shape.
 *
 * @module
 */
import type { LinksPath } from "./decide.ts";
import type { FabricCounters } from "./netns.ts";

/** One link of `links.json`'s `shapes`: both directions get this (bandwidth is per host). */
export interface LinkShapeRecord {
  a: string;
  b: string;
  latency_ms: number;
  jitter_ms: number;
  /** Taken as at most 0.99, whatever the scenario said. */
  loss: number;
}

/** The links section of a local run's record (`links.json`, `summary.links`). */
export interface LinksRecord {
  path: LinksPath;
  /** One sentence a person reads: why this path, and what it does or does not shape. */
  message: string;
  /**
   * Directed links: on the relay path those dialled so far, through relays on the bridge those
   * dialled so far, with a `netem` leaf every configured one (the kernel shapes them all).
   */
  links: number;
  /** Whether the kernel has `netem`, and why not. */
  netem: { available: boolean; reason: string };
  /** The namespace path: its names, subnet, leaf qdisc and link-class counters. */
  netns?: {
    run_id: string;
    subnet: string;
    /** The leaf qdisc of every link class (uplinks; downlinks always `tbf`). */
    leaf: "netem" | "tbf";
    /** Whether engine relays add latency, jitter and loss (a `tbf` leaf with such links). */
    relays: boolean;
  } & FabricCounters;
  /** Totals over the relays (relay path, and netns path with relays). */
  stats?: {
    connections: number;
    bytes_forward: number;
    bytes_backward: number;
    segments_lost: number;
    /** Most bytes one direction of one connection held. */
    peak_buffered_bytes: number;
    /** Connections closed unserved: their dialler was no host of the run (netns path). */
    refused: number;
  };
  /** `links.json` only (not the run summary): each link of the run and its shape. */
  shapes?: LinkShapeRecord[];
}
