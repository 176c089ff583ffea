export interface BenchResult { name: string; figures: Record<string, number>; target?: string; ratio?: number; notes?: string }
