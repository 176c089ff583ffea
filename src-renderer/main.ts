import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { connect } from './api/connect';
import App from './App.vue';
import { registerCharts } from './charts/echarts';
import { keepDraft, restoreDraft } from './stores/draft-keeper';
import { useProblems } from './stores/problems';
import { useRuns } from './stores/runs';
import { useService } from './stores/service';
import { useSession } from './stores/session';

registerCharts();
const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.mount('#app');

const service = useService(pinia);
connect()
  .then(async (t) => {
    service.attach(t);
    service.onReconnect(async () => {
      await useSession(pinia).refresh();
      await useRuns(pinia).resync();
    });
    useRuns(pinia).watchEvents();
    useSession(pinia).watchChanges();
    await useSession(pinia).refresh();
    await useRuns(pinia).refresh();
    restoreDraft(pinia);
    keepDraft(pinia, () => useSession(pinia).info.path);
    useProblems(pinia).watchDraft();
    document.documentElement.dataset['ready'] = '1';
  })
  .catch((e: unknown) => {
    service.connectError = (e as Error).message;
    document.documentElement.dataset['ready'] = 'error';
  });
