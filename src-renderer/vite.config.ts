// Builds the renderer into dist/renderer/, which browser mode (src-main/serve)
// serves and Electron loads. Run from the repository root:
//   vite build --config src-renderer/vite.config.ts
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [vue()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // One vendor chunk for echarts keeps the app chunk small and cacheable.
    rollupOptions: { output: { manualChunks: { echarts: ['echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers'] } } },
    chunkSizeWarningLimit: 1500,
  },
});
