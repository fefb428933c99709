"""Statutory returns built from the warehouse (the SSDA903 children-looked-after return), and their
validation with the DfE's published rules in a separately managed environment."""
