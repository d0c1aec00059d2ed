// Images in the built-in datastore: list, upload with a progress bar, delete.
import { upload, del, canWrite } from '../api.js';
import { el, when, bytes, section, pagedTable, confirmAction, errorBox, showError, clearError } from '../ui.js';

export default function images(view) {
  const listErrors = errorBox();
  const columns = [
    { title: 'Name', cell: (i) => i.name },
    { title: 'Format', cell: (i) => i.format },
    { title: 'Size', cell: (i) => bytes(i.sizeBytes) },
    { title: 'SHA-256', cell: (i) => el('code', { title: i.sha256 }, (i.sha256 || '').slice(0, 16)) },
    { title: 'Datastore', cell: (i) => (i.datastoreId ? i.datastoreId : 'built-in') },
    { title: 'Updated', cell: (i) => when(i.updatedAt) },
  ];
  if (canWrite()) {
    columns.push({
      title: 'Actions',
      cell: (i) => el('button', {
        type: 'button', class: 'danger small', 'data-action': 'delete',
        onclick: async () => {
          if (!await confirmAction(`Delete image ${i.name}? (refused while an app uses it)`, 'Delete')) return;
          try { await del(`/images/${i.id}`); listErrors.hidden = true; table.load(); } catch (e) { showError(listErrors, e); }
        },
      }, 'delete'),
    });
  }
  const table = pagedTable({ id: 'images-table', path: '/images', columns, empty: 'No images yet: upload one.' });
  if (canWrite()) {
    const errors = errorBox();
    const progress = el('progress', { id: 'upload-progress', max: '100', value: '0', hidden: true });
    const progressText = el('span', { id: 'upload-progress-text', class: 'progress-text' });
    const form = el('form', { id: 'image-form', class: 'grid-form', novalidate: true },
      el('label', {}, 'File ', el('input', { name: 'file', type: 'file' })),
      el('label', {}, 'Name ', el('input', { name: 'name', placeholder: 'defaults to the file name' })),
      el('label', {}, 'Format ', el('select', { name: 'format' }, ['qcow2', 'raw', 'iso', 'vhdx'].map((f) => el('option', { value: f }, f)))),
      el('div', { class: 'form-actions' }, el('button', { type: 'submit' }, 'Upload'), progress, progressText));
    form.elements.file.addEventListener('change', () => {
      const file = form.elements.file.files[0];
      if (file && /\.(img|raw|gz|bin)$|vmlinu|initr/i.test(file.name)) form.elements.format.value = 'raw';
      if (file && /\.qcow2$/i.test(file.name)) form.elements.format.value = 'qcow2';
      if (file && /\.iso$/i.test(file.name)) form.elements.format.value = 'iso';
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError(errors);
      const f = form.elements;
      const file = f.file.files[0];
      if (!file) { showError(errors, { message: 'Choose a file to upload.', problems: [{ field: 'file', rule: 'required' }] }); return; }
      const name = f.name.value.trim() || file.name;
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      progress.hidden = false;
      progress.value = 0;
      progressText.textContent = '0 %';
      try {
        await upload(`/images/upload?name=${encodeURIComponent(name)}&format=${encodeURIComponent(f.format.value)}`, file, (sent, total) => {
          const pct = Math.floor((sent * 100) / total);
          progress.value = pct;
          progressText.textContent = `${pct} % (${bytes(sent)} of ${bytes(total)})`;
        });
        progress.value = 100;
        progressText.textContent = `Uploaded ${name} (${bytes(file.size)}).`;
        form.reset();
        table.load();
      } catch (e) {
        progressText.textContent = '';
        showError(errors, e);
      } finally {
        button.disabled = false;
      }
    });
    view.append(section('Upload an image', form, errors));
  }
  view.append(section('Images', listErrors, table.root));
  table.load();
}
