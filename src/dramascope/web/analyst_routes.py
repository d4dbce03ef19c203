"""Analyst pages added beside the index pages: one company's page (reached from every company name) and
its JSON twin. Like every page, the handler only reads the page data from the library and hands it to
``kit.twin``, which renders the page, the JSON or a table download."""

# No `from __future__ import annotations`: FastAPI evaluates the handlers' annotations where they are defined.

from typing import Annotated

from fastapi import FastAPI, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from dramascope.publish.access import check_id
from dramascope.publish.api_models import CompanyPageData
from dramascope.publish.cache import memo
from dramascope.web.kit import READ_ERRORS, Lng, PageKit
from dramascope.web.production_routes import CompanyPeriod

CompanyId = Annotated[str, PathParam(min_length=1, max_length=200, description="Company id (see /api/companies)")]


def register_analyst_routes(app: FastAPI, kit: PageKit) -> None:
    """Add the company page and its twin to ``app``."""
    compute, twin = kit.compute, kit.twin

    @app.get("/api/companies/{company_id}", responses=READ_ERRORS, tags=["pages"], response_model=CompanyPageData,
             summary="One company: score, rank interval, its titles' contributions, dimensions against the market")
    @app.get("/companies/{company_id}", response_class=HTMLResponse, include_in_schema=False)
    def company(request: Request, lang: Lng, company_id: CompanyId, period: CompanyPeriod = None):
        from dramascope.companies.membership import require_company_tables
        from dramascope.companies.pages import company_page

        cid = check_id(company_id, "company_id")

        def page(w):
            require_company_tables(w)
            return company_page(w, cid, period)

        data = compute(lambda w: memo(kit.cache, ("company-page", cid, period), lambda: page(w)))
        return twin(request, "companies", "company.html", data, lang)
