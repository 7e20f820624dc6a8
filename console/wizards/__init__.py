"""Wizards (QWizard): one module per wizard, one module per page."""
