"""/api/uploads: the candidate's photo (JPG, 50–500 KB, checked by content)."""
from __future__ import annotations

from dataclasses import asdict

from flask import Response

from engine.forms import uploads

from .blueprint import Blueprint
from .schemas.misc import PhotoSchema, PhotoUploadSchema
from .security import current, now, requires, services

blp = Blueprint("uploads", __name__, url_prefix="/api/uploads", description="附件（照片）")


@blp.route("/photos", methods=["POST"])
@requires("uploads:write")
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, PhotoSchema)
def upload_photo(files):
    """上传照片：须为 JPG（按文件内容判断），大小 50—500 KB；返回的信息可填入表单的照片字段"""
    file = files["file"]
    content = file.read()  # bounded by MAX_CONTENT_LENGTH
    return asdict(uploads.store_photo(services().db, current(), file.filename or "", content, now()))


@blp.route("/<upload_id>", methods=["GET"])
@requires("uploads:read")
@blp.response(200, content_type="image/jpeg", description="图片内容")
def download(upload_id):
    """下载已上传的照片"""
    upload = uploads.read_upload(services().db, current(), upload_id)
    return Response(upload.content, mimetype=upload.content_type,
                    headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})
