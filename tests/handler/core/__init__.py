"""The handler's shared core: adapter, reasons, request, crhelper seam, waiting shell."""
