// Starts the NHS.UK frontend components (header menu, password reveal, error summary focus).
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'

initAll()
