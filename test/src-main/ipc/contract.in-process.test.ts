import { afterAll, describe } from 'vitest';
import { contractSuite } from '../fixtures/contract-suite';
import { makeLab } from '../fixtures/lab';

describe('the contract, in-process', () => {
  const f = makeLab();
  afterAll(() => f.dispose());
  contractSuite({ client: async () => f.client(), dir: () => f.dir });
});
