import type { Kernel } from '../../kernel/kernel';
import { FioMain, fioRng } from './fio-main';
import { FioParseError } from './job';
import { parseFioJobFile } from './parse';

/** Register the `fio` run type: the task becomes fio's main process for the job file. */
export function installFio(k: Kernel): void {
  // Fork fio's stream at boot, in install order, so when jobs start cannot matter to anyone else.
  fioRng(k);
  k.registerBehaviour('fio', (kk, _task, spec) => {
    if (spec.type !== 'fio') return kk.engine.fail('fio', `run type ${spec.type} handed to fio`);
    try {
      return new FioMain(kk, parseFioJobFile(spec.jobText, spec.jobPath ?? 'inline.fio'));
    } catch (e) {
      if (e instanceof FioParseError) return kk.engine.fail('fio', e.message);
      throw e;
    }
  });
}
