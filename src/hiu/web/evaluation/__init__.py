"""The service's own evaluation in the web app (DESIGN §7): the same engine and report as
``hiu evaluate``, run on the service's engaged clients."""
