// Starts the NHS.UK frontend components (header menu, password reveal, error summary focus).
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'

initAll()

// Work still in progress (an import): the page marks a region with data-hiu-refresh="<seconds>".
// Every few seconds the page is fetched again and the text (and progress value) of each element
// with an id in that region is copied across, so assistive technology keeps its place and only
// the live status is announced. When the region is gone from the fresh page, the work has
// finished, and the whole page is loaded once to show the outcome.
function refreshWhileInProgress (region) {
  const every = (Number(region.dataset.hiuRefresh) || 2) * 1000
  const refresh = async () => {
    try {
      const response = await fetch(window.location.href, { credentials: 'same-origin' })
      const fresh = new DOMParser().parseFromString(await response.text(), 'text/html')
      if (!response.ok || !fresh.querySelector('[data-hiu-refresh]')) {
        window.location.reload()
        return
      }
      for (const element of region.querySelectorAll('[id]')) {
        const update = fresh.getElementById(element.id)
        if (!update) continue
        if (element instanceof HTMLProgressElement) {
          if (update.hasAttribute('value')) element.value = Number(update.getAttribute('value'))
          else element.removeAttribute('value')
        } else if (element.innerHTML !== update.innerHTML) {
          element.innerHTML = update.innerHTML
        }
      }
    } catch {
      // A dropped connection: try again at the next tick.
    }
    window.setTimeout(refresh, every)
  }
  window.setTimeout(refresh, every)
}

const inProgress = document.querySelector('[data-hiu-refresh]')
if (inProgress) refreshWhileInProgress(inProgress)
