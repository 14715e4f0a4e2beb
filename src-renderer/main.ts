import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';
import { restoreLibraryFilters } from './state/libraryFilters.svelte.ts';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
restoreLibraryFilters();
mount(App, { target });
