"""Input: images and PDFs to :class:`~digitize.model.Page` objects."""

from digitize.io.loader import SUPPORTED_EXTENSIONS, check_input, iter_pages, load_pages, parse_page_range

__all__ = ["SUPPORTED_EXTENSIONS", "check_input", "iter_pages", "load_pages", "parse_page_range"]
