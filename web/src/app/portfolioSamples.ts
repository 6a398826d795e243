import { useState } from 'preact/hooks';
import { backoffMs, describe, requestJson } from '../shared/http';
import { usePolling } from '../shared/poll';
import { endsSession, type SessionState } from './session';
import type { Portfolio } from './types';

/** One look at the portfolio: seconds since the epoch, and the figures the chart draws. */
export interface Sample {
  at: number;
  equity: number;
  cash: number;
  values: Record<string, number>;
}

/** How often the app values the portfolio while it is open, and how many looks it keeps (an hour). */
export const SAMPLE_MS = 5000;
const KEPT = 720;

export interface PortfolioFeed {
  portfolio: Portfolio | undefined;
  samples: Sample[];
  problem: string | undefined;
  /** Asks now, after an order or a cancel, instead of at the next tick. */
  refresh: () => void;
}

function sampleOf(p: Portfolio): Sample {
  const values: Record<string, number> = {};
  for (const position of p.positions) values[position.symbol] = Number(position.marketValue);
  return { at: Date.parse(p.valuedAt) / 1000, equity: Number(p.equity), cash: Number(p.cash), values };
}

/**
 * The API keeps no history of a portfolio's value, so the app samples `GET /api/portfolio` while it
 * is open (and visible) and charts what it saw: the chart starts when the page opened, no earlier.
 */
export function usePortfolioFeed(session: SessionState): PortfolioFeed {
  const [portfolio, setPortfolio] = useState<Portfolio | undefined>(undefined);
  const [samples, setSamples] = useState<Sample[]>([]);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [etag, setEtag] = useState<string | undefined>(undefined);

  async function load(signal?: AbortSignal, tag?: string): Promise<number | undefined> {
    try {
      const answer = await requestJson<Portfolio>('/api/portfolio', { etag: tag, signal });
      setProblem(undefined);
      if (answer.body === undefined) return undefined;
      const next = answer.body;
      setEtag(answer.etag);
      setPortfolio(next);
      const sample = sampleOf(next);
      setSamples((old) => (old.length > 0 && old[old.length - 1].at >= sample.at ? old : [...old, sample].slice(-KEPT)));
      return undefined;
    } catch (error) {
      if (signal?.aborted || endsSession(error, session)) return undefined;
      setProblem(describe(error));
      return backoffMs(error);
    }
  }

  usePolling((signal) => load(signal, etag), SAMPLE_MS);

  return { portfolio, samples, problem, refresh: () => void load() };
}
