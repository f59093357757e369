"""Detectors: each proposes candidate quotes with the evidence it used; merge decides."""
