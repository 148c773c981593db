"""One module per institution: build the clean records, inject the faults, write the file."""
