"""Companies and production bases: measures, rankings with rank intervals, explanations, base reports.

Public API: ``rank_companies`` (→ CompanyRanking with ``rows`` and ``meta()``), ``explain_company``,
``company_measures`` / ``base_measures`` / ``market_measures`` (every measure beside the market's),
``base_report``, and the page-data functions ``company_rankings_page`` and ``base_page`` (plain dicts).
The shipped method is the ``companies`` section of the default index spec (``load_company_spec``);
see docs/companies.md.
"""

from dramascope.companies.api import base_measures, company_measures, market_measures
from dramascope.companies.base_report import base_report
from dramascope.companies.stored import explain_company
from dramascope.companies.pages import base_page, company_rankings_page
from dramascope.companies.ranking import CompanyRanking, rank_companies
from dramascope.companies.spec import CompanySpec, load_company_spec

__all__ = [
    "CompanyRanking", "CompanySpec", "base_measures", "base_page", "base_report", "company_measures",
    "company_rankings_page", "explain_company", "load_company_spec", "market_measures", "rank_companies",
]
