"""Reference SOP models: the data classes, loading and validating YAML files, the flow graph,
and importing SOP documents into draft models."""

from sopmine.sop.flow import enumerate_paths
from sopmine.sop.importer import Guess, SopHeader, SopImport, SopImportError, import_sop
from sopmine.sop.loader import parse_sop, read_sop_file
from sopmine.sop.model import Actor, Edge, Next, Office, Sla, SodPair, SopModel, Step, Waktu
from sopmine.sop.registry import bundled_model_dir, list_sops, load_sop

__all__ = [
    "Actor",
    "Edge",
    "Guess",
    "Next",
    "Office",
    "Sla",
    "SodPair",
    "SopHeader",
    "SopImport",
    "SopImportError",
    "SopModel",
    "Step",
    "Waktu",
    "bundled_model_dir",
    "enumerate_paths",
    "import_sop",
    "list_sops",
    "load_sop",
    "parse_sop",
    "read_sop_file",
]
